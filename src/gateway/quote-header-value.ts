/** A header value as an error message may echo it: at most 100 characters, visible ASCII only. */
export function quoteHeaderValue(value: string): string {
  return `"${value.slice(0, 100).replace(/[^\x20-\x7e]/g, '?')}"`;
}
