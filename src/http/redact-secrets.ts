/** Replaces every occurrence of the given secrets (API keys) in a text that may reach a caller or a log. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values are not keys and would shred ordinary text.
    if (secret === undefined || secret.length < 8) continue;
    if (result.includes(secret)) result = result.split(secret).join('[REDACTED]');
  }
  return result;
}
