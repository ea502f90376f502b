/** What a scrubbed secret is replaced with, in logs and span messages. */
export const REDACTED = '[REDACTED]';

/** Field names whose values are credentials at any depth (compared lower-cased). */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'api_key',
  'apikey',
  'api_keys',
  'apikeys',
  'x-goog-api-key',
  'cookie',
  'set-cookie',
]);

// Credentials are long; eight characters keeps "bearer token" and "Basic auth" readable.
const BEARER = /\b(bearer|basic)(\s+)(?!\[REDACTED\])[^\s"',;]{8,}/gi;
const KEY_ASSIGNMENT = /\b((?:x-)?api[-_]?key|authorization)(["']?\s*[:=]\s*["']?)(?!\[REDACTED\])(?:bearer\s+)?[^\s"',;&}]+/gi;
// Shapes of provider keys: OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), Hugging Face (hf_), Groq (gsk_).
const KEY_SHAPES = /\b(?:sk-[A-Za-z0-9_-]{16,}|hf_[A-Za-z0-9]{16,}|gsk_[A-Za-z0-9]{16,})/g;
const MAYBE_CREDENTIAL = /bearer|basic|key|authorization|sk-|hf_|gsk_/i;
const MAX_DEPTH = 8;

export interface SecretScrubber {
  /** Removes known secrets, bearer/basic credentials, `api_key=…` pairs and provider-key shapes. */
  scrub: (text: string) => string;
  /** A copy of a log object with credential fields redacted and every string scrubbed (the input is not changed). */
  scrubValue: (value: unknown) => unknown;
  /** Adds exact secrets (the configured API keys) to remove wherever they appear. */
  addSecrets: (secrets: Iterable<string | undefined>) => void;
}

/**
 * Two layers: the exact secrets the process knows (configured provider keys, gateway keys) are
 * removed wherever they appear, and credential-looking text is removed by shape, for secrets the
 * process was never told about (a caller's bearer token quoted back in an upstream error).
 */
export function createSecretScrubber(secrets: Iterable<string | undefined> = []): SecretScrubber {
  const known: string[] = [];
  const addSecrets = (more: Iterable<string | undefined>) => {
    for (const secret of more) {
      // Very short values are not keys and would shred ordinary text.
      if (secret !== undefined && secret.length >= 8 && !known.includes(secret)) known.push(secret);
    }
    // Longest first, so a key that contains another is removed whole.
    known.sort((a, b) => b.length - a.length);
  };
  addSecrets(secrets);

  const scrub = (text: string): string => {
    let result = text;
    for (const secret of known) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    // One cheap test first: most strings in a log line (ids, model names, statuses) have no trigger word.
    if (!MAYBE_CREDENTIAL.test(result)) return result;
    return result.replace(BEARER, `$1$2${REDACTED}`).replace(KEY_ASSIGNMENT, `$1$2${REDACTED}`).replace(KEY_SHAPES, REDACTED);
  };

  // Copies only what changes, so a clean log object (the common case) costs a walk, not a copy.
  const scrubValue = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        const scrubbed = scrubValue(item, depth + 1);
        if (scrubbed !== item) (copy ??= value.slice())[index] = scrubbed;
      }
      return copy ?? value;
    }
    if (value instanceof Error) return scrubValue(describeError(value), depth);
    let copy: Record<string, unknown> | undefined;
    for (const key in value) {
      const field = (value as Record<string, unknown>)[key];
      const scrubbed =
        field !== undefined && field !== null && SECRET_FIELD_NAMES.has(key.toLowerCase())
          ? REDACTED
          : scrubValue(field, depth + 1);
      if (scrubbed !== field) (copy ??= { ...(value as Record<string, unknown>) })[key] = scrubbed;
    }
    return copy ?? value;
  };

  return { scrub, scrubValue: (value) => scrubValue(value), addSecrets };
}

function describeError(error: Error): Record<string, unknown> {
  const described: Record<string, unknown> = { type: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) described['code'] = code;
  if (error.stack !== undefined) described['stack'] = error.stack;
  return described;
}
