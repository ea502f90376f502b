/**
 * Decodes an embedding sent as base64 little-endian float32 (`encoding_format: "base64"`).
 * Read through the Buffer rather than a Float32Array view: the bytes may sit at an offset that is
 * not a multiple of 4, and the host may not be little-endian.
 */
export function decodeBase64Embedding(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  const length = bytes.length >>> 2;
  const vector = new Array<number>(length);
  for (let index = 0; index < length; index++) vector[index] = bytes.readFloatLE(index << 2);
  return vector;
}

/** The inverse, for mock servers and tests. */
export function encodeBase64Embedding(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let index = 0; index < vector.length; index++) bytes.writeFloatLE(vector[index]!, index * 4);
  return bytes.toString('base64');
}
