import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { listAPIKeys } from '../engine/config/list-api-keys.js';
import { InvalidRequestError } from '../spec/errors.js';

export type APIKeyCheck = (headers: IncomingHttpHeaders) => 'ok' | 'missing' | 'invalid';

/**
 * Checks the caller's key against `server.api_keys`, sent as `Authorization: Bearer <key>` (the
 * OpenAI SDKs, recent Anthropic SDKs) or `x-api-key: <key>` (Anthropic's header). Keys are compared
 * as SHA-256 digests with timingSafeEqual, against every configured key without stopping at a
 * match, so neither the content nor the length of a key leaks through the response time. Keys are
 * trimmed and blank ones never match; a non-empty list with no usable key throws.
 */
export function createAPIKeyCheck(keys: readonly string[]): APIKeyCheck | undefined {
  // No keys means no authentication; keys that are all blank (an unset variable, a bad template)
  // mean the operator wanted authentication and got none, so they are refused, never "no keys".
  if (keys.length === 0) return undefined;
  const digests = listAPIKeys(keys).map(digest);
  if (digests.length === 0) {
    throw new InvalidRequestError({
      message:
        `server.apiKeys holds no usable key (${keys.length} blank), so the gateway would accept every caller; ` +
        'pass at least one non-empty key, or an empty list to run without authentication',
    });
  }
  return (headers) => {
    const key = readKey(headers);
    if (key === undefined) return 'missing';
    const presented = digest(key);
    let matched = false;
    for (const candidate of digests) matched = timingSafeEqual(presented, candidate) || matched;
    return matched ? 'ok' : 'invalid';
  };
}

function readKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] !== undefined) return match[1];
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  return undefined;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
