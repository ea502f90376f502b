/** Sees a response's status and headers before its body is read (HTTPTransportOptions.onResponse). */
export type ResponseObserver = (status: number, headers: Record<string, string>) => void;

/** undici's header object as one string per lower-cased name; repeated headers joined with `, `. */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Tells the observer, if any, about a response. An observer that throws must not fail the call: its error is dropped. */
export function notifyResponseObserver(
  observer: ResponseObserver | undefined,
  status: number,
  headers: Record<string, string>,
): void {
  if (observer === undefined) return;
  try {
    observer(status, headers);
  } catch {
    // Dropped, as said above.
  }
}

/** Both observers in turn (each shielded from the other's throw), or the one that is set. */
export function combineResponseObservers(
  first: ResponseObserver | undefined,
  second: ResponseObserver | undefined,
): ResponseObserver | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return (status, headers) => {
    notifyResponseObserver(first, status, headers);
    notifyResponseObserver(second, status, headers);
  };
}
