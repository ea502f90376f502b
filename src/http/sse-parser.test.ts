import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SSE_LINE_LENGTH, parseSSEStream, SSELineTooLongError, SSEParser, type SSEEvent } from './sse-parser.js';

const PROVIDERS = fileURLToPath(new URL('../providers/', import.meta.url));

/** Every recorded raw event stream (`.sse`) of every provider: the real framing, byte for byte. */
function recordedStreams(): { name: string; text: string }[] {
  const files: { name: string; text: string }[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = `${directory}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.sse')) files.push({ name: path.slice(PROVIDERS.length), text: readFileSync(path, 'utf8') });
    }
  };
  walk(PROVIDERS.replace(/\/$/, ''));
  return files;
}

function parseChunks(chunks: readonly string[]): SSEEvent[] {
  const events: SSEEvent[] = [];
  const parser = new SSEParser((event) => events.push(event));
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return events;
}

/** Cuts a text at the given (sorted, deduplicated) offsets. */
function splitAt(text: string, offsets: number[]): string[] {
  const cuts = [...new Set(offsets.map((offset) => offset % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const cut of cuts) {
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}

async function collect(stream: AsyncIterable<SSEEvent>): Promise<SSEEvent[]> {
  const events: SSEEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const streams = recordedStreams();
const offsets = fc.array(fc.nat({ max: 1_000_000 }), { maxLength: 40 });

describe('SSEParser on the recorded provider streams', () => {
  it('finds the recordings (guards against a silently empty property run)', () => {
    expect(streams.length).toBeGreaterThanOrEqual(20);
  });

  describe.each(streams)('$name', ({ text }) => {
    const whole = parseChunks([text]);

    it('yields at least one event with the data of each `data:` line', () => {
      expect(whole.length).toBeGreaterThan(0);
      const dataLines = text.split(/\r\n|\r|\n/).filter((line) => line.startsWith('data:')).length;
      expect(whole.reduce((count, event) => count + event.data.split('\n').length, 0)).toBe(dataLines);
    });

    it('gives the same events for any split into chunks', () => {
      fc.assert(
        fc.property(offsets, (cuts) => {
          expect(parseChunks(splitAt(text, cuts))).toEqual(whole);
        }),
        { numRuns: 40 },
      );
    });

    it('gives the same events with CRLF and with CR-only line endings, split anywhere (even inside CRLF)', () => {
      const crlf = text.replace(/\r?\n/g, '\r\n');
      const cr = text.replace(/\r?\n/g, '\r');
      fc.assert(
        fc.property(offsets, (cuts) => {
          expect(parseChunks(splitAt(crlf, cuts))).toEqual(whole);
          expect(parseChunks(splitAt(cr, cuts))).toEqual(whole);
        }),
        { numRuns: 25 },
      );
    });

    it('gives the same events when the bytes are split inside multi-byte UTF-8 characters', async () => {
      const bytes = Buffer.from(text, 'utf8');
      await fc.assert(
        fc.asyncProperty(offsets, async (cuts) => {
          const positions = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let start = 0;
          for (const position of [...positions, bytes.length]) {
            chunks.push(bytes.subarray(start, position));
            start = position;
          }
          expect(await collect(parseSSEStream(chunks))).toEqual(whole);
        }),
        { numRuns: 15 },
      );
    });
  });
});

describe('SSEParser framing rules', () => {
  it('skips comments and joins multi-line data with a newline', () => {
    expect(parseChunks([': keep-alive\n', 'data: first\ndata: second\n\n', ':comment\n\n'])).toEqual([
      { event: undefined, data: 'first\nsecond', id: undefined },
    ]);
  });

  it('accepts `data:` without the space and removes only one space', () => {
    expect(parseChunks(['data:{"a":1}\n\ndata:  two\n\n']).map((event) => event.data)).toEqual(['{"a":1}', ' two']);
  });

  it('keeps the event name and the last event id', () => {
    expect(parseChunks(['event: message_start\nid: 7\ndata: {}\n\n', 'data: next\n\n'])).toEqual([
      { event: 'message_start', data: '{}', id: '7' },
      { event: undefined, data: 'next', id: '7' },
    ]);
  });

  it('delivers a final event that has no terminating blank line', () => {
    expect(parseChunks(['data: one\n\ndata: [DONE]'])).toEqual([
      { event: undefined, data: 'one', id: undefined },
      { event: undefined, data: '[DONE]', id: undefined },
    ]);
  });

  it('treats a CR at the end of one chunk and an LF at the start of the next as one line ending', () => {
    expect(parseChunks(['data: a\r', '\n\r', '\ndata: b\r\n\r\n'])).toEqual([
      { event: undefined, data: 'a', id: undefined },
      { event: undefined, data: 'b', id: undefined },
    ]);
  });

  it('ignores retry and unknown fields, and events with nothing in them', () => {
    expect(parseChunks(['retry: 3000\n\nfoo: bar\n\ndata\n\n'])).toEqual([]);
  });
});

describe('SSEParser bounds', () => {
  it('keeps a long line without a line end linear: 4 MiB in 256-character pieces, then its event', () => {
    const events: SSEEvent[] = [];
    const parser = new SSEParser((event) => events.push(event));
    const piece = 'x'.repeat(256);
    parser.feed('data: ');
    for (let fed = 6; fed + piece.length < MAX_SSE_LINE_LENGTH; fed += piece.length) parser.feed(piece);
    parser.feed('\n\ndata: next\r\n\r\n');
    expect(events).toHaveLength(2);
    expect(events[0]!.data).toMatch(/^x+$/);
    expect(events[0]!.data.length).toBeGreaterThan(MAX_SSE_LINE_LENGTH - 300);
    expect(events[1]!.data).toBe('next');
  });

  it('fails once a line passes the limit, without holding what came after it', () => {
    for (const [first, piece] of [
      ['data: ', 'y'.repeat(64 * 1024)],
      ['', 'z'.repeat(1024 * 1024)],
      ['data: a\r', 'b'.repeat(3 * 1024 * 1024)],
    ] as const) {
      const parser = new SSEParser(() => undefined);
      parser.feed(first);
      let fed = first.length;
      let failure: unknown;
      try {
        for (; fed < 30 * 1024 * 1024; fed += piece.length) parser.feed(piece);
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(SSELineTooLongError);
      expect(fed).toBeLessThanOrEqual(MAX_SSE_LINE_LENGTH + piece.length);
    }
  });

  it('fails once one event gathers more data lines than the limit', () => {
    const parser = new SSEParser(() => undefined);
    const line = `data: ${'d'.repeat(1024 * 1024)}\n`;
    expect(() => {
      for (let count = 0; count < 8; count++) parser.feed(line);
    }).toThrow(SSELineTooLongError);
  });
});
