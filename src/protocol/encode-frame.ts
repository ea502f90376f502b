/**
 * One frame on the wire: a 4-byte big-endian length, then that many bytes of UTF-8 JSON (the
 * Playwright driver's framing). Length-prefixed rather than newline-delimited so a payload never
 * needs escaping and the reader knows how much to buffer before parsing.
 */
export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}
