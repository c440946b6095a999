import fc from 'fast-check';
import { Dict } from '../../../runtime/core/dict.js';
import type { Codec } from '../../../rpc/xdr/index.js';

/**
 * A fast-check generator for any schema, read from the schema's own description, so every
 * message gets sample values without a hand-written sample per message. Sizes stay small.
 */
export function arbitraryOf<T>(codec: Codec<T>): fc.Arbitrary<T> {
  return arb(codec) as fc.Arbitrary<T>;
}

const SMALL = 3;
const text = fc.string({ maxLength: 12 });

function arb(codec: Codec<unknown>): fc.Arbitrary<unknown> {
  const s = codec.schema;
  switch (s.kind) {
    case 'int': return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'uint': return fc.integer({ min: 0, max: 0xffffffff });
    case 'hyper': return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    case 'uhyper': return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    case 'double': return fc.double();
    case 'bool': return fc.boolean();
    case 'void': return fc.constant(undefined);
    case 'fixed': return fc.uint8Array({ minLength: s.size, maxLength: s.size }).map((a) => Buffer.from(a));
    case 'opaque': return fc.uint8Array({ maxLength: Math.min(s.max, 24) }).map((a) => Buffer.from(a));
    case 'string': return text.filter((x) => Buffer.byteLength(x) <= s.max);
    case 'array':
    case 'list': return fc.array(arb(s.item), { maxLength: Math.min(s.max, SMALL) });
    case 'optional': return fc.option(arb(s.item), { nil: null });
    case 'struct': return fc.record(Object.fromEntries(Object.entries(s.fields).map(([k, c]) => [k, arb(c)])));
    case 'union': return fc.oneof(...[...s.arms].map(([d, c]) => arb(c).map((value) => ({ [s.tag]: d, value }))));
    case 'custom':
      if (s.name === 'serialized-dict') return fc.option(serialDict, { nil: null });
      throw new Error(`no generator for custom codec ${s.name}`);
  }
}

/** Dicts as the old format can carry them exactly: NUL-free text and binary not ending in NUL. */
const serialDict = fc
  .array(
    fc.tuple(
      text.filter((k) => !k.includes('\0')),
      fc.oneof(
        text.filter((v) => !v.includes('\0')).map((v) => ({ type: 'str' as const, value: v })),
        fc.uint8Array({ maxLength: 16 }).filter((b) => b.length === 0 || b[b.length - 1] !== 0).map((b) => ({ type: 'bin' as const, value: Buffer.from(b) })),
      ),
    ),
    { maxLength: SMALL },
  )
  .map((pairs) => {
    const d = new Dict();
    for (const [k, v] of pairs) d.set(k, v);
    return d;
  });
