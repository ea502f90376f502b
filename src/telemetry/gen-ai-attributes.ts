/**
 * Attribute names from the OpenTelemetry GenAI semantic conventions (as strings, so the library
 * does not load the whole incubating conventions package), plus Liter-LLM's own.
 */
export const ATTR = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** The name older backends read instead of gen_ai.provider.name. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  systemInstructions: 'gen_ai.system_instructions',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  errorType: 'error.type',
  httpStatusCode: 'http.response.status_code',
  requestId: 'liter_llm.request_id',
  route: 'liter_llm.route',
  provider: 'liter_llm.provider',
  attempt: 'liter_llm.attempt',
  attempts: 'liter_llm.attempts',
  stream: 'liter_llm.stream',
  rateLimitWaitMs: 'liter_llm.rate_limit_wait_ms',
  timeToFirstTokenMs: 'liter_llm.time_to_first_token_ms',
  retryDelayMs: 'liter_llm.retry_delay_ms',
  providerRequestId: 'liter_llm.provider_request_id',
} as const;

/** `chat` for chat and streamed chat (the stream is a request setting, not an operation), `embeddings`. */
export function genAIOperationOf(operation: string): 'chat' | 'embeddings' {
  return operation === 'embeddings' ? 'embeddings' : 'chat';
}

/**
 * gen_ai.provider.name: the provider type for the vendors' own APIs; for an OpenAI-compatible
 * server the configured name (`groq`, `deepseek`, `ollama`), which the conventions ask for when
 * the real provider is known.
 */
export function genAIProviderOf(providerType: string, providerName: string): string {
  return providerType === 'openai-compatible' ? providerName : providerType;
}
