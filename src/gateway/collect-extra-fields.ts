import type { JSONObject, JSONValue } from '../spec/chat-request.js';

/**
 * The body fields the gateway has no canonical home for, to be passed to the provider verbatim
 * (undefined when there are none). `__proto__` is never copied: assigning it would swap the
 * object's prototype rather than add a field.
 */
export function collectExtraFields(body: object, mapped: ReadonlySet<string>): JSONObject | undefined {
  let extra: JSONObject | undefined;
  for (const key in body) {
    if (mapped.has(key) || key === '__proto__') continue;
    const value = (body as Record<string, unknown>)[key];
    if (value !== undefined) (extra ??= {})[key] = value as JSONValue;
  }
  return extra;
}
