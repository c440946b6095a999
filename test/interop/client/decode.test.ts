import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import { constants } from 'node:fs';
import { Fd } from '../../../runtime/core/fd.js';
import { startGraph } from '../../../runtime/testkit/index.js';
import { decodeMessage, findProcedure, type Procedure } from '../../../rpc/programs/index.js';
import { RecordDecoder, credentialFromAuth, decodeRecord } from '../../../rpc/sunrpc/index.js';
import { HAVE_GLUSTERFSD, clientVolfile, freePort, startRealBrick } from '../../protocol-client/helpers/real-brick.js';
import { CAPTURE, capturedMessages } from '../../rpc/helpers/capture.js';
import { needing } from '../../helpers/needs.js';

const serial = needing(HAVE_GLUSTERFSD && fs.existsSync(CAPTURE), 'glusterfsd (glusterfs-server) or the shared capture');

/** One decoded message of a session: procedure, call or reply, body and credential. */
interface Decoded {
  name: string;
  kind: 'call' | 'reply';
  xid: number;
  body: unknown;
  cred?: unknown;
}

/** Decode both directions of a recorded connection, replies matched to their calls by xid. */
function decodeSession(up: Buffer, down: Buffer): Decoded[] {
  const out: Decoded[] = [];
  const calls = new Map<number, Procedure>();
  for (const rec of new RecordDecoder(64 << 20).push(up).map(decodeRecord)) {
    if (rec.msg.mtype !== 0) continue;
    const c = rec.msg.value;
    const p = findProcedure(c.prog, c.vers, c.proc);
    if (!p) throw new Error(`unknown procedure ${c.prog}/${c.vers}/${c.proc}`);
    calls.set(rec.xid, p);
    out.push({ name: p.name, kind: 'call', xid: rec.xid, body: decodeMessage(p.args, rec.payload, p.argsPayload).value, cred: credentialFromAuth(c.cred) });
  }
  for (const rec of new RecordDecoder(64 << 20).push(down).map(decodeRecord)) {
    const p = rec.msg.mtype === 1 ? calls.get(rec.xid) : undefined;
    if (p) out.push({ name: p.name, kind: 'reply', xid: rec.xid, body: decodeMessage(p.reply, rec.payload, p.replyPayload).value });
  }
  return out;
}

/** Values that must differ between two sessions (gfids, inode numbers, times, owners) become markers. */
const VARYING = /^(ia_ino|ia_dev|ia_atime|ia_mtime|ia_ctime|ia_btime|ia_atime_nsec|ia_mtime_nsec|ia_ctime_nsec|ia_btime_nsec|ia_blocks|d_ino|d_off|xdr_size)$/;
const GFID_KEYS = /gfid/;

function normalise(v: unknown, key = ''): unknown {
  if (Buffer.isBuffer(v)) {
    if (GFID_KEYS.test(key) || (key === 'value' && v.length === 16)) return v.every((b) => b === 0) ? '<zero>' : '<gfid>';
    return v.toString('latin1');
  }
  if (VARYING.test(key)) return '<varies>';
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map((x) => normalise(x, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x, k)]));
  return v;
}

/** The caller's identity minus what depends on the process: pid, lock owner. */
function identity(cred: unknown) {
  const c = cred as { flavor: string; uid: number; gid: number; groups: number[]; flags?: number; ctime?: unknown };
  return { flavor: c.flavor, uid: c.uid, gid: c.gid, groups: c.groups, flags: c.flags, ctime: normalise(c.ctime) };
}

function pick(msgs: Decoded[], name: string, ok: (body: Record<string, unknown>) => boolean = () => true): { call: Decoded; reply: Decoded } {
  const call = msgs.find((m) => m.kind === 'call' && m.name === name && ok(m.body as Record<string, unknown>));
  if (!call) throw new Error(`no ${name} call`);
  const reply = msgs.find((m) => m.kind === 'reply' && m.xid === call.xid && m.name === name);
  if (!reply) throw new Error(`no reply to ${name} xid ${call.xid}`);
  return { call, reply };
}

serial('for lookup, create, write, read and readdirp our client\'s messages decode to the same fields as a real 10.3 client\'s', async (t) => {
  const real = capturedMessages().map((m): Decoded => ({
    name: m.procedure.name, kind: m.kind, xid: m.rpc.xid,
    body: decodeMessage(m.kind === 'call' ? m.procedure.args : m.procedure.reply, m.rpc.payload, m.kind === 'call' ? m.procedure.argsPayload : m.procedure.replyPayload).value,
    cred: m.rpc.msg.mtype === 0 ? credentialFromAuth(m.rpc.msg.value.cred) : undefined,
  }));

  // Our client through a recording proxy in front of a real glusterfsd.
  const brick = await startRealBrick();
  t.teardown(() => brick.stop());
  const up: Buffer[] = [];
  const down: Buffer[] = [];
  const proxy = net.createServer((c) => {
    const s = net.connect(brick.port, '127.0.0.1');
    c.on('data', (d: Buffer) => (up.push(d), s.write(d)));
    s.on('data', (d: Buffer) => (down.push(d), c.write(d)));
    c.on('close', () => s.destroy());
    s.on('close', () => c.destroy());
    c.on('error', () => {});
    s.on('error', () => {});
  });
  const port = await freePort();
  await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => proxy.close(() => r())));
  const g = await startGraph({ volfile: clientVolfile({ port, subvolume: brick.subvolume }), brick: false });
  t.teardown(() => g.stop());

  // What the real session did for `echo hello > d/f; cat d/f; ls -l d`, with the arguments its
  // FUSE layer passed (open flags as the kernel gives them, O_LARGEFILE included).
  const f = () => g.frame();
  await g.mkdir('/d');
  const loc = await g.newLoc('/d/f');
  await g.fops.lookup(f(), { loc }).catch(() => undefined);
  const wfd = new Fd(loc.inode!, constants.O_WRONLY | 0o100000);
  const cr = await g.fops.create(f(), { loc, flags: constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | 0o100000, mode: 0o100644, umask: 0, fd: wfd });
  g.graph.itable.link(cr.inode, cr.buf.gfid, cr.buf.type, loc.parent!, 'f');
  await g.fops.writev(f(), { fd: wfd, data: Buffer.from('hello\n'), offset: 0, flags: 0x8001 });
  await g.fops.flush(f(), { fd: wfd });
  await g.graph.release(wfd);
  const { loc: floc } = await g.lookup('/d/f');
  const rfd = new Fd(floc.inode!, 0x8000);
  await g.fops.open(f(), { loc: floc, flags: 0x8000, fd: rfd });
  t.is((await g.fops.readv(f(), { fd: rfd, size: 4096, offset: 0, flags: 0x8000 })).data.toString(), 'hello\n');
  await g.graph.release(rfd);
  const { loc: dloc } = await g.lookup('/d');
  const dfd = new Fd(dloc.inode!, 0);
  await g.fops.opendir(f(), { loc: dloc, fd: dfd });
  await g.fops.readdirp(f(), { fd: dfd, size: 131072, offset: 0n });
  await g.graph.release(dfd, true);
  await g.stop();
  const ours = decodeSession(Buffer.concat(up), Buffer.concat(down));

  const cases: [string, (b: Record<string, unknown>) => boolean][] = [
    ['lookup', (b) => b.bname === 'f'],
    ['create', () => true],
    ['writev', () => true],
    ['readv', () => true],
    ['readdirp', (b) => b.offset === 0n],
  ];
  for (const [name, which] of cases) {
    const a = pick(ours, name, which);
    const b = pick(real, name, which);
    t.log(name, JSON.stringify(normalise(a.call.body)));
    t.deepEqual(normalise(a.call.body), normalise(b.call.body), `${name} call`);
    t.deepEqual(identity(a.call.cred), identity(b.call.cred), `${name} credential`);
    t.deepEqual(normalise(a.reply.body), normalise(b.reply.body), `${name} reply`);
  }
  // The handshake: the same SETVOLUME keys, the same program and version numbers.
  const sv = (m: Decoded[]) => m.find((x) => x.kind === 'call' && x.name === 'SETVOLUME')!.body as { dict: { keys(): Iterable<string>; getStr(k: string): string } };
  const keys = (m: Decoded[]) => [...sv(m).dict.keys()];
  t.deepEqual(keys(ours), keys(real));
  for (const k of ['opversion', 'clnt-lk-version', 'client-version', 'fops-version', 'transport-type', 'remote-host']) t.is(sv(ours).dict.getStr(k), sv(real).dict.getStr(k), k);
  t.deepEqual(normalise(pick(ours, 'DUMP').call.body), normalise(pick(real, 'DUMP').call.body));
  t.deepEqual(identity(pick(ours, 'DUMP').call.cred), identity(pick(real, 'DUMP').call.cred));
});
