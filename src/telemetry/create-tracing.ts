import {
  type Attributes,
  context as otelContext,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type TracerProvider,
} from '@opentelemetry/api';
import type { AttemptContext, RateLimitedEvent, RequestContext, RetryEvent } from '../engine/engine-events.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { LiterLLMError } from '../spec/errors.js';
import { convertContentAttributes } from './convert-content-attributes.js';
import { ATTR, genAIOperationOf, genAIProviderOf } from './gen-ai-attributes.js';
import { TRACE_ID_KEY } from './observer-keys.js';
import { formatTraceparent, parseTraceparent } from './parse-traceparent.js';
import { subscribeEngineEvents } from './subscribe-engine-events.js';

export const ROOT_SPAN_NAME = 'liter_llm.request';

export interface TracingOptions {
  /** Default: the global provider (a no-op until an SDK registers one, e.g. setupOTLPExportFromEnv). */
  tracerProvider?: TracerProvider;
  /**
   * Record prompts and completions (gen_ai.input.messages, gen_ai.output.messages,
   * gen_ai.system_instructions) on the root span. Off unless the operator opts in: they are
   * the users' data.
   */
  recordContent?: boolean;
  /** Applied to error messages before they become span status (secret scrubbing). */
  scrub?: (text: string) => string;
}

export interface Tracing {
  unsubscribe(): void;
}

const ROOT = 'liter_llm.tracing.root';
const ATTEMPT = 'liter_llm.tracing.attempt';
const SERVED = 'liter_llm.tracing.served';
const PROVIDER_NAME = 'liter_llm.tracing.provider_name';

/**
 * OpenTelemetry spans for engine calls: a root `liter_llm.request` (INTERNAL: the work of this
 * process, which continues the caller's W3C trace context) and one CLIENT child per upstream
 * attempt named `{operation} {model}` as the GenAI conventions name inference spans, so retries
 * and fallbacks show as siblings. The attempt's context goes upstream in `traceparent`.
 *
 * A successful attempt stays open until the call ends (a stream until its last event), when the
 * response model, usage and finish reason are known, and is ended with the root.
 */
export function createTracing(options: TracingOptions = {}): Tracing {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer('liter-llm');
  const recordContent = options.recordContent === true;
  const scrub = options.scrub ?? ((text: string) => text);

  function markError(span: Span, error: LiterLLMError): void {
    span.setAttribute(ATTR.errorType, error.code);
    if (error.requestId !== undefined) span.setAttribute(ATTR.providerRequestId, error.requestId);
    span.setStatus({ code: SpanStatusCode.ERROR, message: scrub(error.message) });
  }

  return {
    unsubscribe: subscribeEngineEvents('tracing', {
      requestStart(context: RequestContext) {
        const remote = context.traceparent !== undefined ? parseTraceparent(context.traceparent, context.tracestate) : undefined;
        const parent = remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : otelContext.active();
        const attributes: Attributes = {
          [ATTR.operationName]: genAIOperationOf(context.operation),
          [ATTR.requestModel]: context.requestedModel,
          [ATTR.requestId]: context.requestId,
        };
        if (context.route !== undefined) attributes[ATTR.route] = context.route;
        if (context.operation === 'chat_stream') attributes[ATTR.stream] = true;
        addRequestSettings(attributes, context);
        const root = tracer.startSpan(ROOT_SPAN_NAME, { kind: SpanKind.INTERNAL, attributes }, parent);
        context.observers[ROOT] = root;
        const spanContext = root.spanContext();
        if (isSpanContextValid(spanContext)) context.observers[TRACE_ID_KEY] = spanContext.traceId;
        if (recordContent) context.captureOutput = true;
      },

      attemptStart(attempt: AttemptContext) {
        const root = attempt.request.observers[ROOT] as Span | undefined;
        if (!root) return;
        const context = attempt.request;
        const providerName = genAIProviderOf(attempt.providerType, attempt.provider);
        context.observers[PROVIDER_NAME] = providerName;
        const attributes: Attributes = {
          [ATTR.operationName]: genAIOperationOf(context.operation),
          [ATTR.providerName]: providerName,
          [ATTR.system]: providerName,
          [ATTR.requestModel]: attempt.model,
          [ATTR.provider]: attempt.provider,
          [ATTR.attempt]: attempt.attempt,
          [ATTR.requestId]: context.requestId,
        };
        if (context.route !== undefined) attributes[ATTR.route] = context.route;
        addRequestSettings(attributes, context);
        const span = tracer.startSpan(
          `${genAIOperationOf(context.operation)} ${attempt.model}`,
          { kind: SpanKind.CLIENT, attributes },
          trace.setSpan(ROOT_CONTEXT, root),
        );
        attempt.observers[ATTEMPT] = span;
        const spanContext = span.spanContext();
        if (isSpanContextValid(spanContext)) {
          attempt.headers['traceparent'] = formatTraceparent(spanContext);
          const tracestate = spanContext.traceState?.serialize();
          if (tracestate) attempt.headers['tracestate'] = tracestate;
        }
      },

      attemptEnd(attempt: AttemptContext) {
        const span = attempt.observers[ATTEMPT] as Span | undefined;
        if (!span) return;
        if (attempt.error === undefined) {
          attempt.request.observers[SERVED] = span;
          return;
        }
        if (attempt.status !== undefined) span.setAttribute(ATTR.httpStatusCode, attempt.status);
        markError(span, attempt.error);
        span.end();
      },

      firstToken(context: RequestContext) {
        if (context.timeToFirstTokenMs === undefined) return;
        const milliseconds = roundMs(context.timeToFirstTokenMs);
        (context.observers[ROOT] as Span | undefined)?.setAttribute(ATTR.timeToFirstTokenMs, milliseconds);
        (context.observers[SERVED] as Span | undefined)?.setAttribute(ATTR.timeToFirstTokenMs, milliseconds);
      },

      rateLimited(event: RateLimitedEvent) {
        (event.context.observers[ROOT] as Span | undefined)?.addEvent('liter_llm.rate_limited', {
          [ATTR.provider]: event.provider,
          [ATTR.errorType]: event.error.code,
        });
      },

      retry(event: RetryEvent) {
        (event.context.observers[ROOT] as Span | undefined)?.addEvent('liter_llm.retry', {
          [ATTR.provider]: event.provider,
          [ATTR.requestModel]: event.model,
          [ATTR.retryDelayMs]: roundMs(event.delayMs),
          [ATTR.errorType]: event.error.code,
        });
      },

      requestEnd(context: RequestContext) {
        const root = context.observers[ROOT] as Span | undefined;
        if (!root) return;
        const served = context.observers[SERVED] as Span | undefined;
        const response = responseAttributes(context);
        served?.setAttributes(response);
        const providerName = context.observers[PROVIDER_NAME];
        if (typeof providerName === 'string') {
          response[ATTR.providerName] = providerName;
          response[ATTR.system] = providerName;
        }
        if (context.provider !== undefined) response[ATTR.provider] = context.provider;
        response[ATTR.attempts] = context.attempts;
        response[ATTR.rateLimitWaitMs] = roundMs(context.rateLimitWaitMs);
        root.setAttributes(response);
        if (recordContent) root.setAttributes(convertContentAttributes(context));
        if (context.error !== undefined) {
          // A stream that broke after its first token: the served attempt failed too.
          if (served) markError(served, context.error);
          markError(root, context.error);
        }
        served?.end();
        root.end();
      },
    }),
  };
}

function addRequestSettings(attributes: Attributes, context: RequestContext): void {
  const request = context.request as ChatRequest | undefined;
  if (!request || context.operation === 'embeddings') return;
  if (request.maxTokens !== undefined) attributes[ATTR.requestMaxTokens] = request.maxTokens;
  if (request.temperature !== undefined) attributes[ATTR.requestTemperature] = request.temperature;
  if (request.topP !== undefined) attributes[ATTR.requestTopP] = request.topP;
}

function responseAttributes(context: RequestContext): Attributes {
  const attributes: Attributes = {};
  if (context.responseModel !== undefined) attributes[ATTR.responseModel] = context.responseModel;
  if (context.finishReason !== undefined) attributes[ATTR.responseFinishReasons] = [context.finishReason];
  if (context.usage !== undefined && context.error === undefined) {
    attributes[ATTR.inputTokens] = context.usage.inputTokens;
    if (context.operation !== 'embeddings') attributes[ATTR.outputTokens] = context.usage.outputTokens;
  }
  if (context.timeToFirstTokenMs !== undefined) attributes[ATTR.timeToFirstTokenMs] = roundMs(context.timeToFirstTokenMs);
  return attributes;
}

function roundMs(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}
