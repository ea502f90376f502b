import { MAX_MODEL_NAME_BYTES } from './validate-request.js';

/**
 * The model an upstream says it served, when it is no longer than a model name may be; else the
 * model the engine asked it for. The served id goes into response headers, metric labels, log lines
 * and spans: a server that echoes whatever it is sent (or invents a name) must not make those
 * unbounded. A UTF-8 byte is at least one UTF-16 unit, so most ids are judged by their length alone.
 */
export function boundResponseModel(served: string | undefined, asked: string): string {
  // An adapter always names a model; a JavaScript provider might not.
  if (served === undefined) return asked;
  if (served.length <= MAX_MODEL_NAME_BYTES / 3) return served;
  return served.length <= MAX_MODEL_NAME_BYTES && Buffer.byteLength(served) <= MAX_MODEL_NAME_BYTES ? served : asked;
}
