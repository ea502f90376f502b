// `[ ${KEY} ]` and `{ port: ${PORT} }` are what people write (the product page does), but `{` and
// `}` are flow indicators, so YAML rejects them inside flow collections. Before parsing, the braces
// of each `${...}` become two private-use characters, which are ordinary scalar text; every string
// is restored after parsing. One UTF-16 unit each, so every line and column stays exact.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const REFERENCE = /\$\{([^}\n]*)\}/g;

export function maskEnvReferences(text: string): string {
  if (text.includes(OPEN) || text.includes(CLOSE)) return text;
  return text.replace(REFERENCE, (_, inner: string) => `$${OPEN}${inner}${CLOSE}`);
}

export function unmaskEnvReferences<T>(value: T): T {
  if (typeof value === 'string') return unmaskText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => unmaskEnvReferences(item)) as T;
  if (typeof value === 'object' && value !== null) {
    const output: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) output[unmaskText(key)] = unmaskEnvReferences(child);
    return output as T;
  }
  return value;
}

export function unmaskText(text: string): string {
  return text.includes(OPEN) || text.includes(CLOSE) ? text.replaceAll(OPEN, '{').replaceAll(CLOSE, '}') : text;
}
