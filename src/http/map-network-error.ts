import { CancelledError, isLiterLLMError, type LiterLLMError, ProviderUnavailableError, TimeoutError } from '../spec/errors.js';
import { describeNetworkFailure, type NetworkPhase } from './describe-network-failure.js';
import { ResponseTooLargeError } from './response-too-large-error.js';
import { SSELineTooLongError } from './sse-parser.js';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * Maps whatever the transport threw (undici errors, aborts, Node socket errors) into the taxonomy.
 * An abort whose reason is already a LiterLLMError (the engine aborts with a TimeoutError when a
 * deadline passes) keeps that reason. `phase` says whether a stream's body was being read, for the
 * message ("closed the connection mid-stream").
 */
export function mapNetworkError(
  error: unknown,
  provider: string,
  signal?: AbortSignal,
  phase: NetworkPhase = 'request',
): LiterLLMError {
  if (isLiterLLMError(error)) return error;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (isLiterLLMError(reason)) return reason;
    return new CancelledError({ message: `call to ${provider} was cancelled by the caller`, provider, cause: error });
  }
  if (error instanceof ResponseTooLargeError) {
    // The same request would get the same answer: neither a retry nor a fallback fixes it.
    return new ProviderUnavailableError({
      message: `${provider} answered with more than ${error.limit} bytes${error.declared === undefined ? '' : ` (${error.declared})`}, the limit set by providers.${provider}.max_response_bytes; the answer was not read`,
      provider,
      retryable: false,
      cause: error,
    });
  }
  if (error instanceof SSELineTooLongError) {
    return new ProviderUnavailableError({
      message: `${provider} sent an event-stream line (or event) longer than ${error.limit} characters, the limit; the stream was aborted`,
      provider,
      retryable: false,
      cause: error,
    });
  }
  const code = findErrorCode(error);
  const description = describe(error, code);
  const explained = code === undefined ? undefined : describeNetworkFailure(provider, error, code, phase);
  const withDetail = explained !== undefined && code !== undefined ? `${explained} (${detailOf(error, code)})` : undefined;
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new TimeoutError({ message: withDetail ?? `${provider} timed out: ${description}`, provider, cause: error });
  }
  if (code !== undefined && TRANSIENT_CODES.has(code)) {
    return new ProviderUnavailableError({
      message: withDetail ?? `could not reach ${provider}: ${description}`,
      provider,
      cause: error,
    });
  }
  if (isAbortError(error)) {
    return new CancelledError({ message: `call to ${provider} was cancelled`, provider, cause: error });
  }
  // A name that does not exist will not exist on the next attempt either (a fallback may still
  // help: should-fall-back.ts); a resolver that cannot answer now (EAI_AGAIN) is transient above.
  return new ProviderUnavailableError({
    message:
      withDetail ??
      `${phase === 'stream' ? `the stream from ${provider} failed` : `request to ${provider} failed`}: ${description}`,
    provider,
    retryable: code !== 'ENOTFOUND',
    cause: error,
  });
}

/** The transport's own words, code first: `UND_ERR_SOCKET: other side closed`. */
function detailOf(error: unknown, code: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.includes(code) ? message : `${code}: ${message}`;
}

function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(error: unknown, code: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  return code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'RequestAbortedError');
}
