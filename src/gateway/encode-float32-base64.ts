/**
 * A vector as OpenAI's `encoding_format: "base64"` sends it: float32 little-endian bytes, base64.
 * Written through a DataView so the byte order is right on any machine.
 */
export function encodeFloat32Base64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let index = 0; index < vector.length; index++) view.setFloat32(index * 4, vector[index]!, true);
  return bytes.toString('base64');
}
