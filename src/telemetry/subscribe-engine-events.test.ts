import { describe, expect, it, vi } from 'vitest';
import { engineChannels, type RequestContext } from '../engine/engine-events.js';
import { subscribeEngineEvents } from './subscribe-engine-events.js';

const context: RequestContext = {
  requestId: 'r',
  operation: 'chat',
  requestedModel: 'm',
  route: undefined,
  startedAt: 0,
  attempts: 0,
  rateLimitWaitMs: 0,
  observers: {},
};

describe('subscribeEngineEvents', () => {
  it('delivers events until unsubscribed', () => {
    const seen: string[] = [];
    const unsubscribe = subscribeEngineEvents('test', { requestStart: (started) => seen.push(started.requestId) });
    expect(engineChannels.requestStart.hasSubscribers).toBe(true);
    engineChannels.requestStart.publish(context);
    unsubscribe();
    engineChannels.requestStart.publish(context);
    expect(seen).toEqual(['r']);
    expect(engineChannels.requestStart.hasSubscribers).toBe(false);
  });

  it('catches a failing handler, warns once, and keeps delivering to the others', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const seen: string[] = [];
    const failing = subscribeEngineEvents('broken', {
      requestEnd() {
        throw new Error('observer bug');
      },
    });
    const working = subscribeEngineEvents('fine', { requestEnd: (ended) => seen.push(ended.requestId) });
    try {
      engineChannels.requestEnd.publish(context);
      engineChannels.requestEnd.publish(context);
      expect(seen).toEqual(['r', 'r']);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toBe('liter-llm telemetry (broken:requestEnd) failed and was skipped: observer bug');
    } finally {
      failing();
      working();
      warn.mockRestore();
    }
  });
});
