import type { JSONObject, JSONValue } from '../../spec/chat-request.js';

/**
 * Copies the fields of a wire object that have no canonical home into providerMetadata, under
 * their wire names, so nothing a provider sent is silently lost (system_fingerprint, service_tier,
 * time_info, content_filter_results, vLLM stop_reason...). Empty values (null, [], {}) carry no
 * information and are skipped.
 */
export function copyExtraFields(target: JSONObject, source: Record<string, unknown>, known: ReadonlySet<string>): void {
  for (const key in source) {
    if (known.has(key)) continue;
    const value = source[key];
    if (isEmpty(value)) continue;
    target[key] = value as JSONValue;
  }
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.length === 0;
  for (const _ in value) return false;
  return true;
}
