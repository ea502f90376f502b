/**
 * Reads the `key1=value1,key2=value2` lists of OTEL_EXPORTER_OTLP_HEADERS and
 * OTEL_RESOURCE_ATTRIBUTES (W3C Baggage octets, percent-encoded). Entries without `=` or with an
 * empty key are skipped, as the SDKs do.
 */
export function parseOTelKeyValues(text: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (text === undefined) return result;
  for (const entry of text.split(',')) {
    const separator = entry.indexOf('=');
    if (separator <= 0) continue;
    const key = decode(entry.slice(0, separator).trim());
    if (key === '') continue;
    result[key] = decode(entry.slice(separator + 1).trim());
  }
  return result;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
