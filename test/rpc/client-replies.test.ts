import test from 'ava';
import fc from 'fast-check';
import { clientReplyOf, EMPTY_IATT, GFS4_FOPS, gfx_iattx, iattFromWire, isEmptyIattx, type GfxIattx } from '../../rpc/programs/index.js';
import { decode, encode, RpcDecodeError, type Codec } from '../../rpc/xdr/index.js';
import { arbitraryOf } from './helpers/arbitrary.js';

const iattFields = (codec: Codec<unknown>) =>
  codec.schema.kind === 'struct' ? Object.entries(codec.schema.fields).filter(([, c]) => c === (gfx_iattx as Codec<unknown>)).map(([k]) => k) : [];

const replies = Object.values(GFS4_FOPS)
  .map((f) => ({ fop: f.fop, reply: f.procedure.reply as Codec<unknown> }))
  .filter((r) => iattFields(r.reply).length > 0);

test('every reply with iatts is decoded by the client into the same fields, each iatt as iattFromWire makes it', (t) => {
  t.true(replies.length >= 10, `${replies.length} reply layouts carry iatts`);
  for (const { fop, reply } of replies) {
    const fields = iattFields(reply);
    fc.assert(
      fc.property(arbitraryOf(reply), (msg) => {
        const bytes = encode(reply, msg);
        const generic = decode(reply, bytes) as Record<string, unknown>;
        const client = decode(clientReplyOf(reply), bytes) as Record<string, unknown>;
        const expected: Record<string, unknown> = { ...generic };
        for (const f of fields) {
          const x = generic[f] as GfxIattx;
          expected[f] = isEmptyIattx(x) ? EMPTY_IATT : iattFromWire(x);
        }
        t.deepEqual(client, expected, fop);
      }),
      { numRuns: 60 },
    );
  }
});

test('every iatt a fop result takes from its reply is a top-level gfx_iattx of that reply, which the client decodes into an Iatt', (t) => {
  for (const f of Object.values(GFS4_FOPS)) {
    for (const [field, from] of Object.entries(f.iatts)) t.true(iattFields(f.procedure.reply as Codec<unknown>).includes(from), `${f.fop}.${field} <- ${from}`);
  }
});

test('an empty iattx is the shared EMPTY_IATT, and a reply cut short is a decode error', (t) => {
  const reply = GFS4_FOPS.lookup.procedure.reply as Codec<unknown>;
  const empty = { ia_gfid: Buffer.alloc(16), ia_flags: 0n, ia_ino: 0n, ia_dev: 0n, ia_rdev: 0n, ia_size: 0n, ia_blocks: 0n, ia_attributes: 0n, ia_attributes_mask: 0n, ia_atime: 0n, ia_mtime: 0n, ia_ctime: 0n, ia_btime: 0n, ia_atime_nsec: 0, ia_mtime_nsec: 0, ia_ctime_nsec: 0, ia_btime_nsec: 0, ia_nlink: 0, ia_uid: 0, ia_gid: 0, ia_blksize: 0, mode: 0 };
  const bytes = encode(reply, { op_ret: 0, op_errno: 0, xdata: { xdr_size: 0, count: -1, pairs: [] }, prestat: empty, poststat: { ...empty, ia_ino: 7n } });
  const v = decode(clientReplyOf(reply), bytes) as { prestat: unknown; poststat: { ino: bigint } };
  t.is(v.prestat, EMPTY_IATT);
  t.is(v.poststat.ino, 7n, 'a zero gfid and mode with an inode number is a stat');
  for (const cut of [4, 40, bytes.length - 1]) t.throws(() => decode(clientReplyOf(reply), bytes.subarray(0, cut)), { instanceOf: RpcDecodeError });
});
