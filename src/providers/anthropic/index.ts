export * from './anthropic-api.js';
export {
  ANTHROPIC_REQUEST_ID_HEADER,
  mapAnthropicErrorResponse,
  mapAnthropicErrorType,
  mapAnthropicStreamError,
} from './anthropic-error.js';
export { convertAnthropicStream } from './convert-anthropic-stream.js';
export { convertFromAnthropicResponse } from './convert-from-anthropic-response.js';
export { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
export { convertToAnthropicRequest } from './convert-to-anthropic-request.js';
export {
  ANTHROPIC_DEFAULT_BASE_URL,
  ANTHROPIC_DEFAULT_VERSION,
  type AnthropicProviderSettings,
  createAnthropicProvider,
} from './create-anthropic-provider.js';
export { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
export { mapAnthropicUsage } from './map-anthropic-usage.js';
