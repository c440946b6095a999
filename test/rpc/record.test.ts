import test from 'ava';
import { RecordDecoder, RecordTooLargeError, frameRecord, DEFAULT_MAX_RECORD } from '../../rpc/sunrpc/index.js';
import { RpcDecodeError } from '../../rpc/xdr/errors.js';

test('a record split into several fragments is reassembled', (t) => {
  const body = Buffer.from('abcdefghijklmnopqrstuvwxyz');
  const framed = frameRecord(body, 5);
  t.is(framed.length, body.length + 6 * 4);
  t.is(framed.readUInt32BE(0), 5, 'the first fragment is not the last');
  const records = new RecordDecoder().push(framed);
  t.deepEqual(records, [body]);
});

test('records arriving byte by byte, and several in one chunk, come out whole and in order', (t) => {
  const a = Buffer.from('first record');
  const b = Buffer.alloc(0);
  const c = Buffer.from('third, in fragments of three');
  const stream = Buffer.concat([frameRecord(a), frameRecord(b), frameRecord(c, 3)]);
  const dec = new RecordDecoder();
  const out: Buffer[] = [];
  for (const byte of stream) out.push(...dec.push(Buffer.from([byte])));
  t.deepEqual(out, [a, b, c]);
  t.is(dec.pending, 0);
  t.deepEqual(new RecordDecoder().push(stream), [a, b, c]);
});

test('a record past the size limit is refused from its header, before its body arrives', (t) => {
  const dec = new RecordDecoder(1000);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(0x80000000 + 1001, 0);
  const err = t.throws(() => dec.push(header), { instanceOf: RecordTooLargeError });
  t.is(err?.max, 1000);
});

test('fragments that together pass the limit are refused', (t) => {
  const dec = new RecordDecoder(10);
  const first = Buffer.alloc(12);
  first.writeUInt32BE(8, 0); // 8 bytes, more fragments follow
  t.deepEqual(dec.push(first), []);
  const more = Buffer.alloc(4);
  more.writeUInt32BE(0x80000000 + 3, 0);
  t.throws(() => dec.push(more), { instanceOf: RecordTooLargeError });
});

test('the default limit admits a 1 MiB write with its headers', (t) => {
  t.true(DEFAULT_MAX_RECORD >= 1024 * 1024 + 1024);
  const body = Buffer.alloc(1024 * 1024 + 200, 7);
  t.deepEqual(new RecordDecoder().push(frameRecord(body)), [body]);
});

test('an incomplete record is reported as pending', (t) => {
  const dec = new RecordDecoder();
  t.deepEqual(dec.push(frameRecord(Buffer.alloc(40)).subarray(0, 20)), []);
  t.true(dec.pending > 0);
});

test('records pushed from a reused (transient) read buffer stay intact after the buffer is overwritten', (t) => {
  const records = [Buffer.alloc(10, 1), Buffer.alloc(70_000, 2), Buffer.alloc(0), Buffer.from('tail record')];
  const stream = Buffer.concat([frameRecord(records[0]!), frameRecord(records[1]!), frameRecord(records[2]!), frameRecord(records[3]!, 4)]);
  const reused = Buffer.alloc(4096);
  const dec = new RecordDecoder();
  const out: Buffer[] = [];
  for (let o = 0; o < stream.length; o += reused.length) {
    const n = stream.copy(reused, 0, o, o + reused.length);
    out.push(...dec.push(reused.subarray(0, n), true));
    reused.fill(0xee); // the socket's next read lands in the same memory
  }
  t.deepEqual(out, records);
  t.is(dec.pending, 0);
});

test('a read buffer passed whole with the length read: bytes past that length are never taken', (t) => {
  const records = [Buffer.from('first'), Buffer.alloc(3000, 7), Buffer.from('last one')];
  const stream = Buffer.concat(records.map((r) => frameRecord(r)));
  const reused = Buffer.alloc(1000);
  const dec = new RecordDecoder();
  const out: Buffer[] = [];
  // Reads of uneven sizes into the same buffer, the rest of it holding stale garbage.
  for (let o = 0, step = 1; o < stream.length; o += step, step = (step * 7) % 997 || 1) {
    reused.fill(0xee);
    const n = stream.copy(reused, 0, o, o + step);
    out.push(...dec.push(reused, true, n));
  }
  t.deepEqual(out, records);
  t.is(dec.pending, 0);
});

test('a fragment whole in one chunk is returned without a copy, unless the chunk is transient', (t) => {
  const chunk = frameRecord(Buffer.from('zero copy'));
  const [view] = new RecordDecoder().push(chunk);
  const [copy] = new RecordDecoder().push(chunk, true);
  chunk.fill(0x2e, 4); // overwrite the body in the chunk
  t.is(view!.toString(), '.........', 'the view shares the chunk');
  t.is(copy!.toString(), 'zero copy', 'the copy does not');
});

test('a large fragment is read straight into its own buffer once its header has arrived, and records after it decode as usual', (t) => {
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = i % 251;
  const small = Buffer.from('next record');
  const wire = Buffer.concat([frameRecord(big), frameRecord(small)]);
  const d = new RecordDecoder();
  t.is(d.directTarget(1), undefined, 'nothing to aim at before a header');
  // The header and the first bytes come through a shared buffer.
  t.deepEqual(d.push(wire.subarray(0, 1000), true), []);
  const records: Buffer[] = [];
  let at = 1000;
  let target = d.directTarget(64 * 1024);
  t.truthy(target);
  t.is(target!.length, 300_000 - 996);
  // Reads land in the target in pieces; the record completes when it is full.
  while (target) {
    const n = Math.min(70_000, target.length);
    wire.copy(target, 0, at, at + n);
    at += n;
    records.push(...d.pushDirect(n));
    target = d.directTarget(64 * 1024);
  }
  // Less than 64 KiB was missing at some point: the rest came through the shared buffer.
  const end = 4 + big.length;
  if (at < end) {
    records.push(...d.push(wire.subarray(at, end), true));
    at = end;
  }
  records.push(...d.push(wire.subarray(at), true));
  t.is(records.length, 2);
  t.true(records[0]!.equals(big));
  t.true(records[1]!.equals(small));
  t.throws(() => d.pushDirect(1), { instanceOf: RpcDecodeError });
});

test('the buffer a single-fragment record is assembled in comes from the alloc hook, which sees its length and first bytes; several fragments never use it', (t) => {
  const seen: [number, string][] = [];
  const own = Buffer.alloc(400_000);
  const d = new RecordDecoder(undefined, (len, start) => {
    seen.push([len, start.toString('hex')]);
    return own.subarray(0, len);
  });
  const body = Buffer.alloc(300_000, 5);
  body.writeUInt32BE(0x1234, 0);
  body.writeUInt32BE(1, 4);
  const wire = frameRecord(body);
  d.push(wire.subarray(0, 1000));
  const out = d.push(wire.subarray(1000));
  t.deepEqual(seen, [[300_000, '0000123400000001']]);
  t.is(out.length, 1);
  t.is(out[0]!.buffer, own.buffer, 'the record is the hook\'s buffer');
  t.true(out[0]!.equals(body));
  // Two fragments (the first not the last): assembled as usual, the hook not asked.
  const two = Buffer.concat([fragment(body.subarray(0, 200_000), false), fragment(body.subarray(200_000), true)]);
  const rec = [...d.push(two.subarray(0, 500)), ...d.push(two.subarray(500))];
  t.is(seen.length, 1);
  t.true(rec[0]!.equals(body));
  t.not(rec[0]!.buffer, own.buffer);
});

/** One fragment with its record mark (LAST set or not). */
function fragment(data: Buffer, last: boolean): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(((last ? 0x80000000 : 0) | data.length) >>> 0, 0);
  return Buffer.concat([h, data]);
}
