/**
 * The usable keys of `server.api_keys` as written: a string is a comma-separated list (so one
 * environment variable can hold several keys); entries are trimmed (mounted secrets often end in a
 * newline), blank ones dropped and duplicates removed.
 */
export function listAPIKeys(written: string | readonly string[] | undefined): string[] {
  const entries = typeof written === 'string' ? written.split(',') : (written ?? []);
  return [...new Set(entries.map((key) => key.trim()).filter((key) => key !== ''))];
}
