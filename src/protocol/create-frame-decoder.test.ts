import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFrameDecoder, type DecodedFrame } from './create-frame-decoder.js';
import { encodeFrame } from './encode-frame.js';

/** Splits bytes at the given cut points (any positions, duplicates allowed). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(start, point));
    start = point;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

const json = fc.jsonValue({ maxDepth: 3 });

describe('createFrameDecoder', () => {
  it('writes a 4-byte big-endian length, then the UTF-8 JSON', () => {
    const frame = encodeFrame({ text: 'é' });
    expect(frame.readUInt32BE(0)).toBe(Buffer.byteLength('{"text":"é"}'));
    expect(frame.subarray(4).toString('utf8')).toBe('{"text":"é"}');
  });

  it('decodes the same frames however the byte stream is split', () => {
    fc.assert(
      fc.property(fc.array(json, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (messages, cuts) => {
        const bytes = Buffer.concat(messages.map((message) => encodeFrame(message)));
        const decoder = createFrameDecoder();
        const frames = split(bytes, cuts).flatMap((piece) => decoder.push(piece));
        expect(frames).toEqual(messages.map((message) => ({ type: 'frame', text: JSON.stringify(message) })));
        expect(decoder.pendingBytes).toBe(0);
      }),
    );
  });

  it('reports a frame over the limit, skips its bytes and reads the next frame, however split', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 10 }), (cuts) => {
        const oversized = encodeFrame('x'.repeat(100));
        const bytes = Buffer.concat([encodeFrame(1), oversized, encodeFrame({ after: true })]);
        const decoder = createFrameDecoder(50);
        const frames = split(bytes, cuts).flatMap((piece) => decoder.push(piece));
        expect(frames).toEqual<DecodedFrame[]>([
          { type: 'frame', text: '1' },
          { type: 'too-large', length: 102, maxFrameBytes: 50 },
          { type: 'frame', text: '{"after":true}' },
        ]);
        expect(decoder.pendingBytes).toBe(0);
      }),
    );
  });

  it('reports a body that is not UTF-8 and goes on with the next frame', () => {
    const bad = Buffer.from([0, 0, 0, 2, 0xc3, 0x28]);
    const decoder = createFrameDecoder();
    expect(decoder.push(Buffer.concat([bad, encodeFrame('ok')]))).toEqual([
      { type: 'invalid-utf8', length: 2 },
      { type: 'frame', text: '"ok"' },
    ]);
  });

  it('keeps an unfinished frame pending', () => {
    const decoder = createFrameDecoder();
    expect(decoder.push(encodeFrame({ a: 1 }).subarray(0, 6))).toEqual([]);
    expect(decoder.pendingBytes).toBe(6);
  });
});
