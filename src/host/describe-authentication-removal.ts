/**
 * Why a reload must not turn authentication off, or undefined when it does not: a file truncated
 * or caught half-written (its server section not there yet) looks exactly like one whose keys were
 * removed on purpose, and the safe reading of both is "keep the keys". Turning authentication off
 * takes a restart.
 */
export function describeAuthenticationRemoval(previous: readonly string[], next: readonly string[]): string | undefined {
  if (previous.length === 0 || next.length > 0) return undefined;
  return (
    'server.api_keys is gone or empty, which would turn authentication off; a file caught half-written looks the same, ' +
    'so turning authentication off takes a restart'
  );
}
