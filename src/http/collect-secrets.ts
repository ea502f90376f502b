// An auth scheme in front of a credential (`Bearer abc`, `Basic dXNl…`): the credential alone is
// what an upstream error tends to quote ("invalid token abc").
const SCHEME = /^[A-Za-z][A-Za-z0-9._~+/-]*\s+(\S.*)$/;

/**
 * The values of a provider's settings that must never appear in an error message or a log: its
 * API key and every configured header value (an Azure `api-key`, a custom `authorization`, a
 * vendor token). Every header value counts, not only the names that look like credentials: a
 * gateway cannot know what `X-Tenant-Token` holds, and redacting a harmless value costs nothing.
 * redactSecrets skips values too short to be keys.
 */
export function collectSecrets(apiKey: string | undefined, headers: Record<string, string> | undefined): string[] {
  const secrets: string[] = [];
  if (apiKey !== undefined && apiKey !== '') secrets.push(apiKey);
  for (const name in headers) {
    const value = headers[name]!.trim();
    if (value === '') continue;
    secrets.push(value);
    const credential = SCHEME.exec(value)?.[1];
    if (credential !== undefined) secrets.push(credential);
  }
  return secrets;
}
