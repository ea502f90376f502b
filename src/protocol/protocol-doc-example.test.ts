import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientFrameSchema } from './client-frame-schema.js';
import { describeFrameIssue } from './describe-frame-issue.js';
import { engineFrameSchema, type EngineFrame } from './engine-frame-schema.js';

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

describe('docs/protocol.md', () => {
  it('shows an example exchange the schemas agree with, its bad frame answered as the engine does', () => {
    const lines = doc.split('\n').filter((line) => /^[→←] \{/.test(line));
    const engineFrames = lines
      .filter((line) => line.startsWith('←'))
      .map((line) => engineFrameSchema.parse(JSON.parse(line.slice(2))));
    let rejected = 0;
    for (const line of lines.filter((candidate) => candidate.startsWith('→'))) {
      const frame = JSON.parse(line.slice(2)) as { id: number };
      const parsed = clientFrameSchema.safeParse(frame);
      const answer = engineFrames.find((candidate) => candidate.id === frame.id && candidate.type !== 'event');
      if (parsed.success) {
        expect(answer?.type, line).toBe('result');
        continue;
      }
      rejected++;
      const { param, message } = describeFrameIssue(parsed.error.issues[0]!);
      expect((answer as Extract<EngineFrame, { type: 'error' }>).error).toMatchObject({
        code: 'invalid_request',
        param,
        message,
      });
    }
    expect(lines.length).toBeGreaterThan(10);
    expect(rejected).toBe(1);
  });
});
