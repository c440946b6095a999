import type { Gfid } from './gfid.js';
import type { Iatt } from './iatt.js';

/**
 * GlusterFS dict_t values keep their type (gf_dict_data_type_t) because the GFS4 wire format
 * sends it; rpc/programs/convert.ts maps these to the wire discriminants.
 */
export type DictValue =
  | { type: 'int'; value: bigint }
  | { type: 'uint'; value: bigint }
  | { type: 'double'; value: number }
  | { type: 'str'; value: string }
  | { type: 'bin'; value: Buffer }
  | { type: 'gfuuid'; value: Gfid }
  | { type: 'iatt'; value: Iatt };


/** xdata and xattr dictionaries: an ordered map of typed values with typed accessors. */
export class Dict implements Iterable<[string, DictValue]> {
  private readonly map = new Map<string, DictValue>();

  static from(entries: Record<string, string | number | bigint | Buffer | boolean>): Dict {
    const d = new Dict();
    for (const [k, v] of Object.entries(entries)) {
      if (typeof v === 'string') d.setStr(k, v);
      else if (typeof v === 'number') Number.isInteger(v) ? d.setInt(k, BigInt(v)) : d.setDouble(k, v);
      else if (typeof v === 'bigint') d.setInt(k, v);
      else if (typeof v === 'boolean') d.setInt(k, v ? 1n : 0n);
      else d.setBin(k, v);
    }
    return d;
  }

  get size(): number { return this.map.size; }
  has(key: string): boolean { return this.map.has(key); }
  get(key: string): DictValue | undefined { return this.map.get(key); }
  set(key: string, value: DictValue): this { this.map.set(key, value); return this; }
  delete(key: string): boolean { return this.map.delete(key); }
  keys(): IterableIterator<string> { return this.map.keys(); }
  [Symbol.iterator](): IterableIterator<[string, DictValue]> { return this.map.entries(); }

  setStr(key: string, value: string): this { return this.set(key, { type: 'str', value }); }
  setInt(key: string, value: bigint | number): this { return this.set(key, { type: 'int', value: BigInt(value) }); }
  setUint(key: string, value: bigint | number): this { return this.set(key, { type: 'uint', value: BigInt(value) }); }
  setDouble(key: string, value: number): this { return this.set(key, { type: 'double', value }); }
  setBin(key: string, value: Buffer): this { return this.set(key, { type: 'bin', value }); }
  setGfid(key: string, value: Gfid): this { return this.set(key, { type: 'gfuuid', value }); }

  /** A string value; binary values holding text (as xattrs arrive) are decoded, NUL-trimmed. */
  getStr(key: string): string | undefined {
    const v = this.map.get(key);
    if (!v) return undefined;
    if (v.type === 'str') return v.value;
    if (v.type === 'bin') return v.value.toString('utf8').replace(/\0+$/, '');
    if (v.type === 'gfuuid') return v.value;
    return String(v.value);
  }

  getInt(key: string): bigint | undefined {
    const v = this.map.get(key);
    if (!v) return undefined;
    if (v.type === 'int' || v.type === 'uint') return v.value;
    if (v.type === 'double') return BigInt(Math.trunc(v.value));
    if (v.type === 'str' && /^-?\d+$/.test(v.value.trim())) return BigInt(v.value.trim());
    return undefined;
  }

  getBin(key: string): Buffer | undefined {
    const v = this.map.get(key);
    if (!v) return undefined;
    if (v.type === 'bin') return v.value;
    if (v.type === 'str') return Buffer.from(v.value, 'utf8');
    return undefined;
  }

  getGfid(key: string): Gfid | undefined {
    const v = this.map.get(key);
    return v?.type === 'gfuuid' ? v.value : undefined;
  }

  clone(): Dict {
    const d = new Dict();
    for (const [k, v] of this.map) d.map.set(k, v);
    return d;
  }

  /** Plain JSON-friendly view for logs and dumps. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.map) {
      out[k] = v.type === 'bin' ? `0x${v.value.toString('hex')}` : typeof v.value === 'bigint' ? v.value.toString() : v.value;
    }
    return out;
  }
}
