import { RpcDecodeError, RpcEncodeError } from './errors.js';
import { XdrReader, XdrWriter } from './io.js';

/**
 * A declarative XDR schema (RFC 4506). Each message is declared once as a value, e.g.
 *
 *   const gfx_stat_req = struct({ gfid: fixed(16), xdata: gfx_dict });
 *   type GfxStatReq = Infer<typeof gfx_stat_req>;
 *
 * and the same declaration encodes, decodes, and describes itself (`schema`) so tests can walk
 * it to generate sample values. Decoding checks every length against the bytes left and against
 * the declared maximum; any failure is an RpcDecodeError.
 */
export interface Codec<T> {
  readonly schema: Schema;
  encode(w: XdrWriter, value: T): void;
  decode(r: XdrReader): T;
}

/** The TypeScript type a codec carries. */
export type Infer<C> = C extends Codec<infer T> ? T : never;

export type Schema =
  | { kind: 'int' | 'uint' | 'hyper' | 'uhyper' | 'double' | 'bool' | 'void' }
  | { kind: 'fixed'; size: number }
  | { kind: 'opaque' | 'string'; max: number }
  | { kind: 'array' | 'list'; item: Codec<unknown>; max: number }
  | { kind: 'optional'; item: Codec<unknown> }
  | { kind: 'struct'; fields: Readonly<Record<string, Codec<unknown>>> }
  | { kind: 'union'; tag: string; arms: ReadonlyMap<number, Codec<unknown>> }
  /** A codec with its own wire rules (named so generators can special-case it). */
  | { kind: 'custom'; name: string };

/** No XDR length is bigger than this unless a schema says so: well above any record we accept. */
export const DEFAULT_MAX = 0x7fffffff;

const prim = <T>(kind: 'int' | 'uint' | 'hyper' | 'uhyper' | 'double', enc: (w: XdrWriter, v: T) => void, dec: (r: XdrReader) => T): Codec<T> => ({
  schema: { kind },
  encode: enc,
  decode: dec,
});

export const int: Codec<number> = prim('int', (w, v) => w.int(v), (r) => r.int());
export const uint: Codec<number> = prim('uint', (w, v) => w.uint(v), (r) => r.uint());
export const hyper: Codec<bigint> = prim('hyper', (w, v) => w.hyper(v), (r) => r.hyper());
export const uhyper: Codec<bigint> = prim('uhyper', (w, v) => w.uhyper(v), (r) => r.uhyper());
export const double: Codec<number> = prim('double', (w, v) => w.double(v), (r) => r.double());

export const bool: Codec<boolean> = {
  schema: { kind: 'bool' },
  encode: (w, v) => w.uint(v ? 1 : 0),
  decode: (r) => {
    const at = r.pos;
    const v = r.uint();
    if (v > 1) throw new RpcDecodeError(`bool must be 0 or 1, got ${v}`, at);
    return v === 1;
  },
};

export const xvoid: Codec<undefined> = { schema: { kind: 'void' }, encode: () => {}, decode: () => undefined };

/** opaque name[size]: fixed-length bytes. */
export function fixed(size: number): Codec<Buffer> {
  return {
    schema: { kind: 'fixed', size },
    encode(w, v) {
      if (v.length !== size) throw new RpcEncodeError(`fixed opaque needs ${size} bytes, got ${v.length}`);
      w.bytes(v);
    },
    decode: (r) => r.bytes(size, `opaque[${size}]`),
  };
}

/** opaque name<max>: variable-length bytes. */
export function opaque(max = DEFAULT_MAX): Codec<Buffer> {
  return {
    schema: { kind: 'opaque', max },
    encode(w, v) {
      if (v.length > max) throw new RpcEncodeError(`opaque of ${v.length} bytes exceeds its maximum ${max}`);
      w.uint(v.length);
      w.bytes(v);
    },
    decode: (r) => r.bytes(r.length(max, 'opaque'), 'opaque'),
  };
}

/** string name<max>: UTF-8 text, no terminating NUL on the wire. */
export function string(max = DEFAULT_MAX): Codec<string> {
  return {
    schema: { kind: 'string', max },
    encode(w, v) {
      if (typeof v !== 'string') throw new RpcEncodeError(`string expected, got ${typeof v}`);
      w.string(v, max);
    },
    decode: (r) => r.text(r.length(max, 'string'), 'string'),
  };
}

/** type name<max>: a counted array. Every item takes at least 4 bytes, so the count is checked against that. */
export function array<T>(item: Codec<T>, max = DEFAULT_MAX): Codec<T[]> {
  const unit = item.schema.kind === 'void' ? 0 : 4;
  return {
    schema: { kind: 'array', item, max },
    encode(w, v) {
      if (v.length > max) throw new RpcEncodeError(`array of ${v.length} items exceeds its maximum ${max}`);
      w.uint(v.length);
      for (const x of v) item.encode(w, x);
    },
    decode(r) {
      const n = r.length(max, 'array', unit);
      const out: T[] = [];
      for (let i = 0; i < n; i++) out.push(item.decode(r));
      return out;
    },
  };
}

/** type *name: optional-data, null when absent. */
export function optional<T>(item: Codec<T>): Codec<T | null> {
  return {
    schema: { kind: 'optional', item },
    encode(w, v) {
      w.uint(v === null ? 0 : 1);
      if (v !== null) item.encode(w, v);
    },
    decode: (r) => (bool.decode(r) ? item.decode(r) : null),
  };
}

/**
 * A linked list as XDR spells it (`struct entry { ...; entry *next; }`, reached through an
 * optional pointer): value-follows 1, an item, ..., then 0. Decoded as a plain array.
 */
export function list<T>(item: Codec<T>, max = DEFAULT_MAX): Codec<T[]> {
  return {
    schema: { kind: 'list', item, max },
    encode(w, v) {
      if (v.length > max) throw new RpcEncodeError(`list of ${v.length} items exceeds its maximum ${max}`);
      for (const x of v) {
        w.uint(1);
        item.encode(w, x);
      }
      w.uint(0);
    },
    decode(r) {
      const out: T[] = [];
      while (bool.decode(r)) {
        if (out.length >= max) throw new RpcDecodeError(`list exceeds its maximum ${max}`, r.pos);
        out.push(item.decode(r));
      }
      return out;
    },
  };
}

type Fields = Readonly<Record<string, Codec<unknown>>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type StructOf<F extends Fields> = Simplify<{ -readonly [K in keyof F]: Infer<F[K]> }>;

/**
 * Primitive codecs a compiled struct calls the writer or reader for directly (no codec object in
 * between): `w.uint(x)` / `r.uint()`.
 */
const INLINE = new Map<Codec<unknown>, string>([
  [int as Codec<unknown>, 'int'], [uint as Codec<unknown>, 'uint'], [hyper as Codec<unknown>, 'hyper'],
  [uhyper as Codec<unknown>, 'uhyper'], [double as Codec<unknown>, 'double'],
]);

/**
 * A struct's encode and decode compiled once into straight-line functions: messages are encoded
 * and decoded on every call, and a loop over the field list (plus an object grown one property
 * at a time) costs several times more than `{ a: ..., b: ... }` with a fixed shape. Same bytes,
 * same checks, same errors as the loop.
 */
function compileStruct(fields: Fields): { encode(w: XdrWriter, v: unknown): void; decode(r: XdrReader): unknown } | undefined {
  const keys = Object.keys(fields);
  // Keys go into generated code as string literals; an object literal treats __proto__ specially.
  if (keys.some((k) => k === '__proto__')) return undefined;
  const codecs = keys.map((k) => fields[k]!);
  const lit = (k: string) => JSON.stringify(k);
  const enc = keys.map((k, i) => {
    const check = `if (!(${lit(k)} in v)) throw new RpcEncodeError(${lit(`missing field ${k}`)});`;
    const prim = INLINE.get(codecs[i]!);
    return `${check} ${prim ? `w.${prim}(v[${lit(k)}]);` : `c[${i}].encode(w, v[${lit(k)}]);`}`;
  });
  const dec = keys.map((k, i) => {
    const prim = INLINE.get(codecs[i]!);
    return `${lit(k)}: ${prim ? `r.${prim}()` : `c[${i}].decode(r)`}`;
  });
  const make = new Function('c', 'RpcEncodeError', `"use strict"; return {
    encode(w, v) { ${enc.join('\n')} },
    decode(r) { return { ${dec.join(', ')} }; },
  };`) as (c: Codec<unknown>[], e: typeof RpcEncodeError) => { encode(w: XdrWriter, v: unknown): void; decode(r: XdrReader): unknown };
  return make(codecs, RpcEncodeError);
}

/** struct { ... }: fields in declaration order. */
export function struct<const F extends Fields>(fields: F): Codec<StructOf<F>> {
  const compiled = compileStruct(fields);
  if (compiled) return { schema: { kind: 'struct', fields }, encode: compiled.encode, decode: compiled.decode as (r: XdrReader) => StructOf<F> };
  const entries = Object.entries(fields);
  return {
    schema: { kind: 'struct', fields },
    encode(w, v) {
      const rec = v as Record<string, unknown>;
      for (const [k, c] of entries) {
        if (!(k in rec)) throw new RpcEncodeError(`missing field ${k}`);
        c.encode(w, rec[k]);
      }
    },
    decode(r) {
      const out: Record<string, unknown> = {};
      for (const [k, c] of entries) out[k] = c.decode(r);
      return out as StructOf<F>;
    },
  };
}

type Arms = Readonly<Record<number, Codec<unknown>>>;
export type UnionOf<A extends Arms, Tag extends string> = {
  [K in keyof A]: Simplify<{ [P in Tag]: K } & { value: Infer<A[K]> }>;
}[keyof A];

/**
 * union switch (int tag) { case N: ... }: `{ [tag]: N, value }`. A discriminant with no arm is
 * a decode error (there is no default arm unless the schema declares one).
 */
export function union<const A extends Arms, const Tag extends string = 'type'>(arms: A, tag?: Tag): Codec<UnionOf<A, Tag>> {
  const t = (tag ?? 'type') as Tag;
  const map = new Map<number, Codec<unknown>>(Object.entries(arms).map(([k, c]) => [Number(k), c]));
  return {
    schema: { kind: 'union', tag: t, arms: map },
    encode(w, v) {
      const rec = v as Record<string, unknown>;
      const d = rec[t];
      const arm = typeof d === 'number' ? map.get(d) : undefined;
      if (!arm) throw new RpcEncodeError(`union has no arm ${String(d)}`);
      w.int(d as number);
      arm.encode(w, rec.value);
    },
    decode(r) {
      const at = r.pos;
      const d = r.int();
      const arm = map.get(d);
      if (!arm) throw new RpcDecodeError(`union discriminant ${d} has no arm`, at);
      return { [t]: d, value: arm.decode(r) } as UnionOf<A, Tag>;
    },
  };
}

/** Encode a value into a fresh buffer. */
export function encode<T>(codec: Codec<T>, value: T): Buffer {
  const w = new XdrWriter();
  codec.encode(w, value);
  return w.finish();
}

/**
 * Decode a whole buffer. Leftover bytes are an error unless `allowTrailing`; anything thrown
 * that is not already an RpcDecodeError (it should not happen) is wrapped so callers see one type.
 */
export function decode<T>(codec: Codec<T>, buf: Buffer, opts: { allowTrailing?: boolean } = {}): T {
  const r = new XdrReader(buf);
  const v = guard(() => codec.decode(r));
  if (!opts.allowTrailing && r.remaining !== 0) throw new RpcDecodeError(`${r.remaining} unexpected bytes after the message`, r.pos);
  return v;
}

/** Run a decoder, turning any stray error into an RpcDecodeError. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RpcDecodeError) throw err;
    throw new RpcDecodeError(`malformed input: ${(err as Error)?.message ?? String(err)}`, undefined, { cause: err });
  }
}
