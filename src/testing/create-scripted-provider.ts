import type { ChatRequest } from '../spec/chat-request.js';
import type { ChatResponse } from '../spec/chat-response.js';
import type { EmbedRequest, EmbedResponse } from '../spec/embed.js';
import { CancelledError, isLiterLLMError, type LiterLLMError, ProviderUnavailableError } from '../spec/errors.js';
import { type CallOptions, type Provider, PROVIDER_SPECIFICATION_VERSION, type ProviderType } from '../spec/provider.js';
import type { StreamEvent } from '../spec/stream-event.js';

/** What one scripted call does: answer, fail, or stream events (optionally failing mid-way). */
export type ScriptedStep =
  | { kind: 'reply'; text?: string; delayMs?: number; usage?: { inputTokens: number; outputTokens: number } }
  | { kind: 'fail'; error: LiterLLMError; delayMs?: number }
  | { kind: 'stream'; deltas: string[]; delayMs?: number; failAfter?: number; error?: LiterLLMError; hang?: boolean };

export interface ScriptedCall {
  request: ChatRequest | EmbedRequest;
  options: CallOptions | undefined;
  startedAt: number;
}

/**
 * An in-process Provider that follows a script, for engine tests: no sockets, exact control over
 * failures and timing, and a record of every call it received. Aborts are honoured like a real
 * adapter (the signal's LiterLLMError reason, else CancelledError).
 */
export class ScriptedProvider implements Provider {
  readonly specificationVersion = PROVIDER_SPECIFICATION_VERSION;
  readonly type: ProviderType = 'openai-compatible';
  readonly calls: ScriptedCall[] = [];
  inFlight = 0;
  maxInFlight = 0;
  streamsClosed = 0;
  private readonly steps: ScriptedStep[] = [];

  constructor(
    readonly name: string,
    private readonly fallbackStep: ScriptedStep = { kind: 'reply' },
  ) {}

  script(...steps: ScriptedStep[]): this {
    this.steps.push(...steps);
    return this;
  }

  async chat(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
    const step = this.begin(request, options);
    try {
      await wait(step.delayMs ?? 0, options?.signal);
      if (step.kind === 'fail') throw step.error;
      const text = step.kind === 'reply' ? (step.text ?? `reply from ${this.name}/${request.model}`) : step.deltas.join('');
      const usage = step.kind === 'reply' && step.usage ? step.usage : { inputTokens: 3, outputTokens: 5 };
      return {
        id: `resp-${this.calls.length}`,
        provider: this.name,
        model: request.model,
        content: [{ type: 'text', text }],
        text,
        toolCalls: [],
        finishReason: 'stop',
        rawFinishReason: 'stop',
        usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens },
        warnings: [],
      };
    } finally {
      this.inFlight--;
    }
  }

  async chatStream(request: ChatRequest, options?: CallOptions): Promise<AsyncIterable<StreamEvent>> {
    const step = this.begin(request, options);
    try {
      await wait(step.delayMs ?? 0, options?.signal);
      if (step.kind === 'fail') throw step.error;
    } catch (error) {
      this.inFlight--;
      throw error;
    }
    const deltas = step.kind === 'stream' ? step.deltas : [step.kind === 'reply' ? (step.text ?? 'ok') : ''];
    const onClosed = () => {
      this.inFlight--;
      this.streamsClosed++;
    };
    const name = this.name;
    async function* events(): AsyncGenerator<StreamEvent> {
      try {
        yield { type: 'start', id: 'stream-1', provider: name, model: request.model, warnings: [] };
        for (let index = 0; index < deltas.length; index++) {
          if (step.kind === 'stream' && step.failAfter === index) throw streamError(step);
          await wait(0, options?.signal);
          yield { type: 'text-delta', text: deltas[index]! };
        }
        if (step.kind === 'stream' && step.failAfter === deltas.length) throw streamError(step);
        if (step.kind === 'stream' && step.hang) await wait(60_000, options?.signal);
        yield {
          type: 'finish',
          finishReason: 'stop',
          rawFinishReason: 'stop',
          usage: { inputTokens: 3, outputTokens: deltas.length, totalTokens: 3 + deltas.length },
        };
      } finally {
        onClosed();
      }
    }
    return events();
  }

  async embed(request: EmbedRequest, options?: CallOptions): Promise<EmbedResponse> {
    const step = this.begin(request, options);
    try {
      await wait(step.delayMs ?? 0, options?.signal);
      if (step.kind === 'fail') throw step.error;
      const inputs = typeof request.input === 'string' ? [request.input] : request.input;
      return {
        provider: this.name,
        model: request.model,
        embeddings: inputs.map((text) => [text.length, 1]),
        usage: { inputTokens: inputs.length },
        warnings: [],
      };
    } finally {
      this.inFlight--;
    }
  }

  async close(): Promise<void> {}

  private begin(request: ChatRequest | EmbedRequest, options: CallOptions | undefined): ScriptedStep {
    this.calls.push({ request, options, startedAt: Date.now() });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return this.steps.shift() ?? this.fallbackStep;
  }
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = () => {
      const reason: unknown = signal?.reason;
      reject(isLiterLLMError(reason) ? reason : new CancelledError({ message: 'cancelled' }));
    };
    if (signal?.aborted) return fail();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      fail();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function streamError(step: Extract<ScriptedStep, { kind: 'stream' }>): LiterLLMError {
  return step.error ?? new ProviderUnavailableError({ message: 'scripted stream failure' });
}
