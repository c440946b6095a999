import { Dict, type DictValue } from '../../runtime/core/dict.js';
import { RpcDecodeError, RpcEncodeError } from '../xdr/errors.js';
import { XdrReader } from '../xdr/io.js';
import { opaque, type Codec } from '../xdr/schema.js';
import { copyOf } from '../../runtime/core/bytes.js';

/**
 * The pre-4.x dict format (libglusterfs dict_serialize) inside an `opaque dict<>`: the handshake,
 * portmap-era and callback messages still use it. Layout: count, then per pair keylen, vallen,
 * the key with its NUL, the value bytes; all big-endian words, nothing padded. Values carry no
 * type: GlusterFS stores numbers as decimal text with a NUL, strings with a NUL.
 *
 * Decoded into a Dict: a value that is valid UTF-8 ending in one NUL becomes `str`, anything else
 * `bin`, so re-encoding gives back the same bytes. An empty opaque is "no dict" (null).
 */
const raw = opaque();

export function serializeDict(d: Dict): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(d.size, 0);
  parts.push(head);
  for (const [key, v] of d) {
    const k = Buffer.from(key, 'utf8');
    const val = valueBytes(v);
    const h = Buffer.allocUnsafe(8);
    h.writeUInt32BE(k.length, 0);
    h.writeUInt32BE(val.length, 4);
    parts.push(h, k, Buffer.from([0]), val);
  }
  return Buffer.concat(parts);
}

function valueBytes(v: DictValue): Buffer {
  switch (v.type) {
    case 'str': return Buffer.from(`${v.value}\0`, 'utf8');
    case 'bin': return v.value;
    case 'int':
    case 'uint': return Buffer.from(`${v.value.toString()}\0`, 'utf8');
    case 'double': return Buffer.from(`${v.value.toFixed(6)}\0`, 'utf8');
    case 'gfuuid': return Buffer.from(`${v.value}\0`, 'utf8');
    case 'iatt': throw new RpcEncodeError('an iatt value cannot be sent in a serialized (pre-4.x) dict');
  }
}

export function unserializeDict(buf: Buffer): Dict {
  const r = new XdrReader(buf);
  const count = r.uint();
  // Each pair takes at least 9 bytes (two lengths and a NUL).
  if (count * 9 > r.remaining) throw new RpcDecodeError(`dict claims ${count} pairs in ${r.remaining} bytes`, 0);
  const d = new Dict();
  for (let i = 0; i < count; i++) {
    const keylen = r.uint();
    const vallen = r.uint();
    r.need(keylen + 1 + vallen, 'dict pair');
    const key = buf.toString('utf8', r.pos, r.pos + keylen);
    if (buf[r.pos + keylen] !== 0) throw new RpcDecodeError('dict key is not NUL-terminated', r.pos + keylen);
    r.pos += keylen + 1;
    const val = copyOf(buf, r.pos, r.pos + vallen);
    r.pos += vallen;
    d.set(key, asValue(val));
  }
  if (r.remaining) throw new RpcDecodeError(`${r.remaining} bytes after the last dict pair`, r.pos);
  return d;
}

function asValue(val: Buffer): DictValue {
  if (val.length && val[val.length - 1] === 0) {
    const s = val.toString('utf8', 0, val.length - 1);
    if (!s.includes('\0') && Buffer.byteLength(s, 'utf8') === val.length - 1 && Buffer.from(s, 'utf8').equals(val.subarray(0, -1))) {
      return { type: 'str', value: s };
    }
  }
  return { type: 'bin', value: val };
}

export const serializedDict: Codec<Dict | null> = {
  schema: { kind: 'custom', name: 'serialized-dict' },
  encode(w, v) {
    raw.encode(w, v ? serializeDict(v) : Buffer.alloc(0));
  },
  decode(r) {
    const b = raw.decode(r);
    return b.length ? unserializeDict(b) : null;
  },
};

