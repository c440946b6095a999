/**
 * A DataView over exactly a buffer's bytes. Codecs read and write integers through one: V8
 * compiles DataView accessors inline, where Buffer's readUInt32BE/writeUInt32BE are checked JS
 * calls and its 64-bit methods split values with BigInt arithmetic. Making one is not cheap
 * (Node 20's V8 constructs a DataView in C++): code that makes one per message uses bufferView.
 */
export const viewOf = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** The two ArrayBuffers bufferView saw last, and their views. */
let abA: ArrayBufferLike | null = null;
let dvA = new DataView(new ArrayBuffer(0));
let abB: ArrayBufferLike | null = null;
let dvB = dvA;

/**
 * A DataView over the whole ArrayBuffer under `b`: offsets into `b` are `b.byteOffset + i`, and
 * bounds are the caller's to check (the view reaches past `b`). Small buffers are slices of
 * Node's 8 KiB pool, so a request's header copy, its reply encoder and the reply record mostly
 * share one ArrayBuffer, and the view made for it is reused: constructing a DataView per
 * message (five or six per round trip) cost a mount about 2.5 µs of a 40 µs lookup. The last two
 * ArrayBuffers are remembered (a pool slice and a reused read buffer alternate); keeping them
 * reachable holds at most two buffers a little longer.
 */
export function bufferView(b: Uint8Array): DataView {
  const ab = b.buffer;
  if (ab === abA) return dvA;
  if (ab !== abB) {
    abB = ab;
    dvB = new DataView(ab as ArrayBuffer);
  }
  // The newest goes first, so alternating between two buffers hits both.
  const t = abA;
  const tv = dvA;
  abA = abB;
  dvA = dvB;
  abB = t;
  dvB = tv;
  return dvA;
}

/**
 * A copy of `b[start, end)` in a buffer of its own (from Node's pool when small). Faster than
 * Buffer.from(view), which takes Node's generic array-like path.
 */
export function copyOf(b: Uint8Array, start = 0, end = b.length): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  out.set(b.subarray(start, end));
  return out;
}
