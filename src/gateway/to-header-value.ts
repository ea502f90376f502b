/** Longer values are cut: a response header is no place for a megabyte (Node clients refuse more than 16 KiB of headers). */
export const MAX_HEADER_VALUE_LENGTH = 1024;

const VISIBLE_ASCII = /^[\x20-\x7e]*$/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A response header value from text the gateway does not control (a model name, what a provider
 * sent): never throws, and never carries CR, LF, NUL or anything else outside visible ASCII,
 * whatever the input. Visible ASCII passes unchanged; anything else is percent-encoded as UTF-8
 * (as encodeURIComponent does), a lone surrogate as U+FFFD (encodeURIComponent throws a URIError
 * on one). The result is cut at MAX_HEADER_VALUE_LENGTH characters, between whole characters, so
 * it always decodes.
 */
export function toHeaderValue(value: string): string {
  if (value.length <= MAX_HEADER_VALUE_LENGTH && VISIBLE_ASCII.test(value)) return value;
  if (VISIBLE_ASCII.test(value)) return value.slice(0, MAX_HEADER_VALUE_LENGTH);
  // Every character encodes to at least one, so nothing past this prefix can make the cut.
  const head = value.slice(0, MAX_HEADER_VALUE_LENGTH + 1).replace(LONE_SURROGATE, '\ufffd');
  let result = '';
  for (const character of head) {
    const piece = encodeURIComponent(character);
    if (result.length + piece.length > MAX_HEADER_VALUE_LENGTH) break;
    result += piece;
  }
  return result;
}
