import { GatewayHTTPError } from './gateway-http-error.js';
import { quoteHeaderValue } from './quote-header-value.js';

const JSON_MEDIA_TYPE = /^application\/(?:[!#$%&'*.^_`|~0-9a-z-]+\+)?json$/;

/**
 * A POST body must be declared JSON: `application/json` (any parameters, such as a charset) or a
 * `+json` type. What a web page may send cross-site without a CORS preflight is only text/plain,
 * a form, or no type at all; refusing those keeps a page the user visits from calling a gateway
 * that has no `server.api_keys` (a JSON type needs a preflight, which the gateway never grants).
 * The OpenAI and Anthropic SDKs, in every language, send application/json.
 */
export function checkJSONContentType(contentType: string | undefined): void {
  const mediaType = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (JSON_MEDIA_TYPE.test(mediaType)) return;
  const found =
    contentType === undefined || contentType.trim() === '' ? 'no Content-Type' : `Content-Type ${quoteHeaderValue(contentType)}`;
  throw new GatewayHTTPError({
    status: 415,
    type: 'invalid_request_error',
    code: 'unsupported_media_type',
    message: `the request body must be JSON sent with "Content-Type: application/json"; got ${found}`,
    retryable: false,
  });
}
