/**
 * The largest frame body accepted by default. A chat request with a few base64 images stays well
 * under it; a length beyond it is a broken or hostile peer, refused before its bytes are buffered.
 */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** What the decoder yields for each frame: its JSON text, or why it could not be taken. */
export type DecodedFrame =
  | { type: 'frame'; text: string }
  | { type: 'too-large'; length: number; maxFrameBytes: number }
  | { type: 'invalid-utf8'; length: number };

export interface FrameDecoder {
  /** Feeds bytes as they arrive (split anywhere) and returns the frames they complete, in order. */
  push(chunk: Uint8Array): DecodedFrame[];
  /** Bytes of an unfinished frame still buffered (non-zero at end of input means a truncated frame). */
  readonly pendingBytes: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * An incremental decoder for length-prefixed frames. A frame longer than `maxFrameBytes` is
 * reported and then skipped byte for byte (its length is known), so one oversized frame costs an
 * error, not the connection: the next frame is read from the right offset.
 */
export function createFrameDecoder(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): FrameDecoder {
  let chunks: Buffer[] = [];
  let buffered = 0;
  let skipping = 0;

  const take = (count: number): Buffer => {
    const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
    const head = all.subarray(0, count);
    const rest = all.subarray(count);
    chunks = rest.length > 0 ? [rest] : [];
    buffered = rest.length;
    return head;
  };

  const peekLength = (): number => {
    if (chunks[0]!.length < 4) chunks = [Buffer.concat(chunks, buffered)];
    return chunks[0]!.readUInt32BE(0);
  };

  const push = (chunk: Uint8Array): DecodedFrame[] => {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (skipping > 0) {
      const skipped = Math.min(skipping, bytes.length);
      skipping -= skipped;
      bytes = bytes.subarray(skipped);
    }
    if (bytes.length > 0) {
      chunks.push(bytes);
      buffered += bytes.length;
    }
    const frames: DecodedFrame[] = [];
    while (skipping === 0 && buffered >= 4) {
      const length = peekLength();
      if (length > maxFrameBytes) {
        take(4);
        const skipped = Math.min(length, buffered);
        take(skipped);
        skipping = length - skipped;
        frames.push({ type: 'too-large', length, maxFrameBytes });
        continue;
      }
      if (buffered < 4 + length) break;
      const body = take(4 + length).subarray(4);
      try {
        frames.push({ type: 'frame', text: utf8.decode(body) });
      } catch {
        frames.push({ type: 'invalid-utf8', length });
      }
    }
    return frames;
  };

  return {
    push,
    get pendingBytes() {
      return buffered + skipping;
    },
  };
}
