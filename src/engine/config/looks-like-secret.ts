// Shapes of credentials: vendor key prefixes, and long runs of hex or base64 without word breaks.
const CREDENTIAL =
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}|\bhf_[A-Za-z0-9]{8,}|\b(?:gsk|xai)[-_][A-Za-z0-9]{8,}|AIza[0-9A-Za-z_-]{20,}|[A-Za-z0-9+/=_]{32,}/;
// Words that announce one: a value mentioning them is a key pasted in the wrong place (`api_key sk-...`).
const ANNOUNCED = /api[_-]?key|token|secret|passw|bearer|authorization/i;

/**
 * Whether a text that is about to be quoted in a message may hold a credential. Secret keys
 * (api_key, headers...) are never quoted at all; this catches keys written where they do not belong,
 * such as a missing colon turning `api_key: sk-...` into one string.
 */
export function looksLikeSecret(text: string, options: { includeWords?: boolean } = {}): boolean {
  return CREDENTIAL.test(text) || (options.includeWords !== false && ANNOUNCED.test(text));
}
