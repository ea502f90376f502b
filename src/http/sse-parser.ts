/**
 * Incremental Server-Sent Events parser (WHATWG event-stream rules): lines may end in LF, CRLF or
 * CR, and a chunk boundary may fall anywhere, even between the CR and LF of one line ending.
 * Comments (`:`) are skipped, multi-line `data:` is joined with `\n`, one space after the colon is
 * optional. Unlike a browser, a final event without its blank line is still delivered on `end()`,
 * because some servers close the stream right after the last `data:` line.
 */

export interface SSEEvent {
  /** The `event:` field, when present. */
  event: string | undefined;
  data: string;
  id: string | undefined;
}

export class SSEParser {
  private buffer = '';
  private dataLines: string[] = [];
  private eventName: string | undefined;
  private lastEventId: string | undefined;
  private hasFields = false;
  /** A chunk ended in CR: if the next chunk starts with LF, that LF belongs to the same line ending. */
  private pendingCR = false;

  constructor(private readonly onEvent: (event: SSEEvent) => void) {}

  feed(chunk: string): void {
    if (chunk.length === 0) return;
    let text = chunk;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    this.buffer = this.buffer.length === 0 ? text : this.buffer + text;
    let start = 0;
    const buffer = this.buffer;
    const length = buffer.length;
    for (let index = 0; index < length; index++) {
      const code = buffer.charCodeAt(index);
      if (code !== 10 && code !== 13) continue;
      this.processLine(buffer.slice(start, index));
      if (code === 13) {
        if (index + 1 < length) {
          if (buffer.charCodeAt(index + 1) === 10) index++;
        } else {
          this.pendingCR = true;
        }
      }
      start = index + 1;
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
  }

  /** Flushes a trailing line and a final event that had no terminating blank line. */
  end(): void {
    if (this.buffer.length > 0) {
      this.processLine(this.buffer);
      this.buffer = '';
    }
    this.dispatch();
  }

  private processLine(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) return;
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        this.hasFields = true;
        break;
      case 'event':
        this.eventName = value;
        this.hasFields = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      default:
        // `retry:` and unknown fields carry nothing we use.
        break;
    }
  }

  private dispatch(): void {
    if (!this.hasFields) return;
    const event: SSEEvent = { event: this.eventName, data: this.dataLines.join('\n'), id: this.lastEventId };
    this.dataLines = [];
    this.eventName = undefined;
    this.hasFields = false;
    if (event.data.length === 0 && event.event === undefined) return;
    this.onEvent(event);
  }
}

/** Parses a byte stream into SSE events as they complete; nothing is buffered beyond one event. */
export async function* parseSSEStream(body: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): AsyncGenerator<SSEEvent> {
  const decoder = new TextDecoder();
  const ready: SSEEvent[] = [];
  const parser = new SSEParser((event) => ready.push(event));
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (ready.length > 0) yield ready.shift()!;
  }
  parser.feed(decoder.decode());
  parser.end();
  while (ready.length > 0) yield ready.shift()!;
}
