/**
 * JSON lines between the test process and a user helper: Buffers and bigints are tagged so
 * they survive the trip. A request is {id, op, args}; a reply {id, ok, value} or {id, error}.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function encode(v: unknown): Json {
  if (Buffer.isBuffer(v)) return { $b: v.toString('base64') };
  if (typeof v === 'bigint') return { $n: v.toString() };
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v as Json;
}

export function decode(v: Json): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    if (typeof v.$b === 'string') return Buffer.from(v.$b, 'base64');
    if (typeof v.$n === 'string') return BigInt(v.$n);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

export interface Request {
  id: number;
  /** An Fs method, or `handle.<method>` with the handle id as first argument. */
  op: string;
  args: Json[];
}

export interface Reply {
  id: number;
  ok?: boolean;
  value?: Json;
  error?: { code: string; message: string };
}
