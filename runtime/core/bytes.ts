/**
 * A DataView over exactly a buffer's bytes. Codecs read and write integers through one: V8
 * compiles DataView accessors inline, where Buffer's readUInt32BE/writeUInt32BE are checked JS
 * calls and its 64-bit methods split values with BigInt arithmetic.
 */
export const viewOf = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/**
 * A copy of `b[start, end)` in a buffer of its own (from Node's pool when small). Faster than
 * Buffer.from(view), which takes Node's generic array-like path.
 */
export function copyOf(b: Uint8Array, start = 0, end = b.length): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  out.set(b.subarray(start, end));
  return out;
}
