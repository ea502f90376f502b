import type { ErrorCode } from './error-codes.js';

const BRAND = Symbol.for('liter-llm.error');

export type ErrorOrigin = 'provider' | 'engine';

export interface LiterLLMErrorOptions {
  message: string;
  /** Provider name (config key) the error came from; absent for errors raised by the engine itself. */
  provider?: string;
  /** Upstream HTTP status, when there was a response. */
  status?: number;
  /** Provider request id, when the provider sent one. */
  requestId?: string;
  /** Overrides the code's default retryability (e.g. `x-should-retry`). */
  retryable?: boolean;
  /** How long the provider (or a local limiter) asks the caller to wait before trying again. */
  retryAfterMs?: number;
  /** For invalid input: the field at fault, as a path (`messages[2].content`). */
  param?: string;
  /**
   * Who raised it: `provider` (the upstream answered with an error, or the connection to it
   * failed) or `engine` (a local guard: the limiter, a circuit breaker, no candidate left).
   * Defaults to `provider` when a provider is named, else `engine`.
   */
  origin?: ErrorOrigin;
  /** Upstream response headers (rate-limit feedback for the engine); never serialised. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * Base of every error Liter-LLM throws. Recognise it with `isLiterLLMError(e)` (a brand, so it
 * works across copies of the package), then switch on `e.code`.
 */
export class LiterLLMError extends Error {
  readonly code: ErrorCode;
  readonly provider: string | undefined;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly param: string | undefined;
  readonly origin: ErrorOrigin;
  readonly headers: Record<string, string> | undefined;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, options: LiterLLMErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LiterLLMError';
    this.code = code;
    this.provider = options.provider;
    this.status = options.status;
    this.requestId = options.requestId;
    this.retryable = options.retryable ?? DEFAULT_RETRYABLE[code];
    this.retryAfterMs = options.retryAfterMs;
    this.param = options.param;
    this.origin = options.origin ?? (options.provider !== undefined ? 'provider' : 'engine');
    this.headers = options.headers;
  }

  /** A plain object for logs and wire protocols (no stack, no cause). */
  toJSON(): LiterLLMErrorJSON {
    return {
      code: this.code,
      message: this.message,
      ...(this.provider !== undefined && { provider: this.provider }),
      ...(this.status !== undefined && { status: this.status }),
      ...(this.requestId !== undefined && { requestId: this.requestId }),
      retryable: this.retryable,
      origin: this.origin,
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
      ...(this.param !== undefined && { param: this.param }),
    };
  }
}

export interface LiterLLMErrorJSON {
  code: ErrorCode;
  message: string;
  provider?: string;
  status?: number;
  requestId?: string;
  retryable: boolean;
  origin: ErrorOrigin;
  retryAfterMs?: number;
  param?: string;
}

const DEFAULT_RETRYABLE: Record<ErrorCode, boolean> = {
  rate_limited: true,
  timeout: true,
  authentication: false,
  permission_denied: false,
  invalid_request: false,
  not_found: false,
  context_length_exceeded: false,
  content_filtered: false,
  provider_unavailable: true,
  cancelled: false,
  internal: false,
};

export function isLiterLLMError(value: unknown): value is LiterLLMError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

type SubclassOptions = LiterLLMErrorOptions;

function defineErrorClass<C extends ErrorCode>(code: C, name: string) {
  const ErrorClass = class extends LiterLLMError {
    constructor(options: SubclassOptions) {
      super(code, options);
      this.name = name;
    }
  };
  Object.defineProperty(ErrorClass, 'name', { value: name });
  return ErrorClass;
}

export const RateLimitedError = defineErrorClass('rate_limited', 'RateLimitedError');
export const TimeoutError = defineErrorClass('timeout', 'TimeoutError');
export const AuthenticationError = defineErrorClass('authentication', 'AuthenticationError');
export const PermissionDeniedError = defineErrorClass('permission_denied', 'PermissionDeniedError');
export const InvalidRequestError = defineErrorClass('invalid_request', 'InvalidRequestError');
export const NotFoundError = defineErrorClass('not_found', 'NotFoundError');
export const ContextLengthExceededError = defineErrorClass('context_length_exceeded', 'ContextLengthExceededError');
export const ContentFilteredError = defineErrorClass('content_filtered', 'ContentFilteredError');
export const ProviderUnavailableError = defineErrorClass('provider_unavailable', 'ProviderUnavailableError');
export const CancelledError = defineErrorClass('cancelled', 'CancelledError');
export const InternalError = defineErrorClass('internal', 'InternalError');

const CLASS_BY_CODE = {
  rate_limited: RateLimitedError,
  timeout: TimeoutError,
  authentication: AuthenticationError,
  permission_denied: PermissionDeniedError,
  invalid_request: InvalidRequestError,
  not_found: NotFoundError,
  context_length_exceeded: ContextLengthExceededError,
  content_filtered: ContentFilteredError,
  provider_unavailable: ProviderUnavailableError,
  cancelled: CancelledError,
  internal: InternalError,
} satisfies Record<ErrorCode, new (options: SubclassOptions) => LiterLLMError>;

/** Builds the subclass that matches a code (used by mappers and by the protocol decoders). */
export function createError(code: ErrorCode, options: LiterLLMErrorOptions): LiterLLMError {
  return new CLASS_BY_CODE[code](options);
}
