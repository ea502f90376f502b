import { CancelledError, InvalidRequestError } from '../spec/errors.js';
import { MAX_JSON_DEPTH } from '../spec/find-deep-nesting.js';
import { findDeepNestingInJSON } from '../spec/find-deep-nesting-in-json.js';
import { checkJSONContentType } from './check-json-content-type.js';
import { GatewayHTTPError } from './gateway-http-error.js';
import type { GatewayRequest } from './gateway-http.js';

/**
 * Reads and parses a JSON request body of at most `maxBytes`, declared as JSON (checkJSONContentType).
 * A declared Content-Length over the limit is refused before a byte is kept; an undeclared one as
 * soon as the count passes the limit, and what was read so far is dropped, so an oversized body is
 * never held in memory. The 413 goes out at once, and the rest of the body is still read and dropped
 * (up to MAX_DISCARDED_BYTES): clients such as Python's httpx read the answer only after sending
 * everything, and closing on unread data would reset the connection before they see it.
 */
export function readJSONBody(request: GatewayRequest, maxBytes: number, maxDepth = MAX_JSON_DEPTH): Promise<unknown> {
  try {
    checkJSONContentType(request.headers['content-type']);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    discardRest(request);
    return Promise.reject(createTooLargeError(maxBytes, Number(declared)));
  }
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let total = 0;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        cleanup();
        first = chunks = undefined;
        discardRest(request);
        reject(createTooLargeError(maxBytes));
        return;
      }
      if (first === undefined) first = chunk;
      else (chunks ??= [first]).push(chunk);
    };
    const onEnd = () => {
      cleanup();
      const text = chunks ? Buffer.concat(chunks, total).toString('utf8') : (first?.toString('utf8') ?? '');
      let value: unknown;
      try {
        value = parseJSON(text, maxDepth);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      resolve(value);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new CancelledError({ message: `the request body could not be read: ${error.message}`, cause: error }));
    };
    const onAborted = () => onError(new Error('the client closed the connection'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}

// Past this much more of an oversized body, the connection is cut (its request timeout would cut it too).
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

/** Reads what is left of a refused body and drops it, so the connection ends cleanly (and can carry the next request). */
function discardRest(request: GatewayRequest): void {
  let discarded = 0;
  const onData = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BYTES) {
      request.off('data', onData);
      request.destroy();
    }
  };
  request.on('data', onData);
  request.once('end', () => request.off('data', onData));
  request.once('error', () => request.off('data', onData));
  request.resume();
}

function parseJSON(text: string, maxDepth: number): unknown {
  if (text.trim() === '') throw new InvalidRequestError({ message: 'the request body is empty; expected a JSON object' });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError({ message: `the request body is not valid JSON: ${(error as Error).message}` });
  }
  // JSON.parse does not recurse, but what comes after does (validation, serialising it upstream).
  // The path holds the caller's own keys: sent as is, not through the engine's camelCase mapping.
  const path = findDeepNestingInJSON(text, value, maxDepth);
  if (path !== undefined) {
    throw new GatewayHTTPError({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_request',
      message: `${path}: the request body is nested deeper than ${maxDepth} levels`,
      param: path,
      retryable: false,
    });
  }
  return value;
}

function createTooLargeError(maxBytes: number, declared?: number): GatewayHTTPError {
  const size = declared === undefined ? 'is larger than' : `(${declared} bytes) is larger than`;
  return new GatewayHTTPError({
    status: 413,
    type: 'invalid_request_error',
    code: 'payload_too_large',
    message: `the request body ${size} the limit of ${maxBytes} bytes (server.max_body_bytes)`,
    retryable: false,
  });
}
