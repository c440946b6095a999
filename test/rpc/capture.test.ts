import test from 'ava';
import { existsSync } from 'node:fs';
import { credentialFromAuth, credentialToAuth, encodeCall, encodeReply, frameRecord } from '../../rpc/sunrpc/index.js';
import {
  GFS4, GFS4_FOP_BY_PROC, HANDSHAKE, DUMP, decodeMessage, dictFromWire, dictToWire, encodeMessage, gfx_dict, iattFromWire, iattToWire,
  type GfxDict, type GfxIattx,
} from '../../rpc/programs/index.js';
import { encode } from '../../rpc/xdr/index.js';
import { CAPTURE, capturedMessages, type CapturedMessage } from './helpers/capture.js';
import { needingConcurrent } from '../helpers/needs.js';

const available = existsSync(CAPTURE);
const messages: CapturedMessage[] = available ? capturedMessages() : [];
const hasCapture = needingConcurrent(available, 'the shared capture');

function body(m: CapturedMessage) {
  const hasPayload = m.kind === 'call' ? m.procedure.argsPayload : m.procedure.replyPayload;
  return decodeMessage(m.kind === 'call' ? m.procedure.args : m.procedure.reply, m.rpc.payload, hasPayload);
}

function reencode(m: CapturedMessage): Buffer {
  const { value, payload } = body(m);
  const codec = m.kind === 'call' ? m.procedure.args : m.procedure.reply;
  const parts = encodeMessage(codec, value, payload);
  if (m.rpc.msg.mtype === 0) {
    const c = m.rpc.msg.value;
    return encodeCall({ xid: m.rpc.xid, prog: c.prog, vers: c.vers, proc: c.proc, cred: c.cred, verf: c.verf }, parts);
  }
  return encodeReply(m.rpc.xid, m.rpc.msg.value, parts);
}

hasCapture('the capture holds the whole session: DUMP, SETVOLUME and GFS4 calls, each answered', (t) => {
  const calls = messages.filter((m) => m.kind === 'call');
  const replies = messages.filter((m) => m.kind === 'reply');
  t.is(calls.length, 71);
  t.is(replies.length, calls.length);
  t.true(calls.some((m) => m.procedure === DUMP.procs.DUMP));
  t.true(calls.some((m) => m.procedure === HANDSHAKE.procs.SETVOLUME));
  t.log(`${messages.length} messages: ${calls.length} calls, ${replies.length} replies`);
});

hasCapture('every captured message decodes and re-encodes to exactly the bytes on the wire', (t) => {
  const seen = new Map<string, number>();
  for (const m of messages) {
    const again = reencode(m);
    t.true(again.equals(m.record), `${m.kind} ${m.procedure.name} xid ${m.rpc.xid} differs`);
    t.true(frameRecord(again).equals(m.framed), `${m.procedure.name} framing differs`);
    const k = `${m.procedure.name} ${m.kind}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  t.log([...seen].map(([k, n]) => `${k} x${n}`).join(', '));
});

hasCapture('every captured credential decodes and re-encodes exactly (v2 for DUMP, v3 for the rest)', (t) => {
  const flavors = new Set<string>();
  for (const m of messages.filter((x) => x.rpc.msg.mtype === 0)) {
    if (m.rpc.msg.mtype !== 0) continue;
    const cred = m.rpc.msg.value.cred;
    const c = credentialFromAuth(cred);
    flavors.add(c.flavor);
    const back = credentialToAuth(c);
    t.is(back.flavor, cred.flavor);
    t.true(back.body.equals(cred.body));
  }
  t.deepEqual([...flavors].sort(), ['glusterfs-v2', 'glusterfs-v3']);
});

/** Every gfx_dict and gfx_iattx inside a decoded value. */
function collect(v: unknown, dicts: GfxDict[], iatts: GfxIattx[]): void {
  if (!v || typeof v !== 'object' || Buffer.isBuffer(v)) return;
  if (Array.isArray(v)) return v.forEach((x) => collect(x, dicts, iatts));
  const o = v as Record<string, unknown>;
  if ('xdr_size' in o && 'pairs' in o) dicts.push(o as unknown as GfxDict);
  if ('ia_gfid' in o && 'ia_flags' in o) iatts.push(o as unknown as GfxIattx);
  for (const x of Object.values(o)) collect(x, dicts, iatts);
}

hasCapture('every captured gfx_dict converts to a Dict and back to the same bytes', (t) => {
  const dicts: GfxDict[] = [];
  for (const m of messages.filter((x) => x.procedure.name in GFS4.procs)) collect(body(m).value, dicts, []);
  t.true(dicts.length > 100);
  for (const d of dicts) t.true(encode(gfx_dict, dictToWire(dictFromWire(d))).equals(encode(gfx_dict, d)));
  t.log(`${dicts.length} dicts, ${dicts.filter((d) => d.count >= 0).length} non-empty`);
});

hasCapture('every captured iattx with the brick flags converts to an Iatt and back exactly', (t) => {
  const iatts: GfxIattx[] = [];
  for (const m of messages.filter((x) => x.procedure.name in GFS4.procs)) collect(body(m).value, [], iatts);
  const full = iatts.filter((x) => x.ia_flags !== 0n);
  t.true(full.length > 50);
  for (const x of full) t.deepEqual(iattToWire(iattFromWire(x), { flags: x.ia_flags }), x);
});

const calls = (name: string) => messages.filter((m) => m.kind === 'call' && m.procedure.name === name);
const replyTo = (m: CapturedMessage) => messages.find((r) => r.kind === 'reply' && r.rpc.xid === m.rpc.xid)!;

hasCapture('the SETVOLUME dict carries the client identity', (t) => {
  const [sv] = calls('SETVOLUME');
  const args = body(sv!).value as { dict: import('../../runtime/core/dict.js').Dict };
  t.regex(args.dict.getStr('process-uuid') ?? '', /^CTX_ID:/);
  t.is(args.dict.getStr('client-version'), '10.3');
  t.is(args.dict.getStr('remote-subvolume'), 'raw-locks');
  t.is(args.dict.getStr('fops-version'), '1298437');
  const rsp = body(replyTo(sv!)).value as { op_ret: number; dict: import('../../runtime/core/dict.js').Dict };
  t.is(rsp.op_ret, 0);
  t.is(rsp.dict.getStr('ERROR'), 'Success');
});

hasCapture('the DUMP reply lists the GlusterFS 4.x program', (t) => {
  const rsp = body(replyTo(calls('DUMP')[0]!)).value as { prog: { progname: string; prognum: bigint; progver: bigint }[] };
  t.true(rsp.prog.some((p) => p.progname === 'GlusterFS 4.x v1' && p.prognum === 1298437n && p.progver === 400n));
});

hasCapture('the lookup of d names it under the root', (t) => {
  const l = calls('lookup').map((m) => body(m).value as { pargfid: Buffer; bname: string }).find((v) => v.bname === 'd');
  t.truthy(l);
  t.is(l!.pargfid.toString('hex'), '00000000000000000000000000000001');
  t.is(GFS4_FOP_BY_PROC.get(27), 'lookup');
});

hasCapture('the write of "hello\\n" carries its data after the body, and the read returns it', (t) => {
  const w = calls('writev').map((m) => body(m)).find((b) => b.payload?.toString() === 'hello\n');
  t.truthy(w);
  t.is((w!.value as { size: number }).size, 6);
  const r = calls('readv').map((m) => body(replyTo(m))).find((b) => b.payload?.toString() === 'hello\n');
  t.truthy(r);
  t.is((r!.value as { op_ret: number }).op_ret, 6);
});

hasCapture('the lk calls lock and unlock a whole-file write lock', (t) => {
  const lks = calls('lk').map((m) => body(m).value as { cmd: number; flock: { type: number; lk_owner: Buffer } });
  t.is(lks.length, 2);
  t.deepEqual(lks.map((l) => l.flock.type), [1, 2]);
  t.true(lks.every((l) => l.flock.lk_owner.length === 8));
});
