import { readFileSync } from 'node:fs';
import type { ScriptedResponse } from './mock-provider-server.js';

/** What a recorded fixture file says about the request that produced it. */
export interface FixtureExchange {
  response: ScriptedResponse;
  /** The recorded request (method, url, body), when the source kept it. */
  request: { method?: string; url?: string; headers?: Record<string, string>; body?: unknown } | null;
  meta: Record<string, unknown>;
}

// These headers described the original transfer (compression, length, framing); the stored body
// is decoded, so replaying them would make the response lie about itself.
const TRANSFER_HEADERS = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection', 'keep-alive']);

/**
 * Loads a recorded exchange from the shared fixture formats (see docs/provider-fixtures.md):
 * `<case>.json` (one exchange), `<case>.sse` + `<case>.meta.json` (raw stream),
 * `<case>.chunks.jsonl` + `<case>.meta.json` (data payloads only; SSE framing rebuilt here).
 */
export function loadFixture(path: string): FixtureExchange {
  if (path.endsWith('.sse')) {
    const meta = readJSON(path.replace(/\.sse$/, '.meta.json'));
    const body = readFileSync(path, 'utf8');
    return { response: toResponse(meta, body, 'text/event-stream'), request: requestOf(meta), meta };
  }
  if (path.endsWith('.chunks.jsonl')) {
    const meta = readJSON(path.replace(/\.chunks\.jsonl$/, '.meta.json'));
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const anthropicFraming = meta['provider'] === 'anthropic';
    const events = lines.map((line) => {
      const type = anthropicFraming ? (JSON.parse(line) as { type?: string }).type : undefined;
      return type !== undefined ? `event: ${type}\ndata: ${line}\n\n` : `data: ${line}\n\n`;
    });
    if (!anthropicFraming) events.push('data: [DONE]\n\n');
    return { response: toResponse(meta, events.join(''), 'text/event-stream'), request: requestOf(meta), meta };
  }
  const meta = readJSON(path);
  const rawBody = meta['body_raw'];
  const body =
    typeof rawBody === 'string' ? rawBody : typeof meta['body'] === 'string' ? meta['body'] : JSON.stringify(meta['body']);
  const contentType = typeof meta['body'] === 'string' && typeof rawBody !== 'string' ? 'text/plain' : 'application/json';
  return { response: toResponse(meta, body, contentType), request: requestOf(meta), meta };
}

function toResponse(meta: Record<string, unknown>, body: string, defaultContentType: string): ScriptedResponse {
  const recorded = (meta['headers'] ?? {}) as Record<string, string | string[]>;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(recorded)) {
    if (TRANSFER_HEADERS.has(name.toLowerCase())) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  headers['content-type'] ??= defaultContentType;
  return { status: typeof meta['status'] === 'number' ? meta['status'] : 200, headers, body };
}

function requestOf(meta: Record<string, unknown>): FixtureExchange['request'] {
  const request = meta['request'];
  return typeof request === 'object' && request !== null ? request : null;
}

function readJSON(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}
