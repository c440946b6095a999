import test from 'ava';
import { constants } from 'node:fs';
import fs from 'node:fs';
import path from 'node:path';
import { Fd } from '../../runtime/core/fd.js';
import { createFrame } from '../../runtime/core/frame.js';
import { E, FopError } from '../../runtime/core/fop-error.js';
import { activateGraph } from '../../runtime/graph/create.js';
import type { Graph } from '../../runtime/graph/graph.js';
import { parseVolfileText } from '../../runtime/graph/load.js';
import { startGraph } from '../../runtime/testkit/index.js';
import type { GfEvent } from '../../runtime/xlator/events.js';
import { listenRpc } from '../../rpc/transport/index.js';
import { DUMP, PORTMAP } from '../../rpc/programs/index.js';
import { EBADFD } from '../../xlators/protocol/client/fd-ctx.js';
import { HAVE_GLUSTERFSD, clientVolfile, freePort, startRealBrick, waitFor } from './helpers/real-brick.js';
import { needing } from '../helpers/needs.js';
import { caList, makeParty, makeSigned, tlsOptions } from '../helpers/tls-certs.js';
import { tempDir } from '../protocol-server/helpers.js';

const serial = needing(HAVE_GLUSTERFSD, 'glusterfsd (glusterfs-server)');

const errno = async (p: Promise<unknown>) => (await p.then(() => 0, (e: unknown) => (e instanceof FopError ? e.errno : -1)));

function events(graph: Graph): GfEvent['type'][] {
  const seen: GfEvent['type'][] = [];
  graph.on('event', (e: GfEvent) => seen.push(e.type));
  return seen;
}

serial('a brick killed under an active client: ENOTCONN while down, CHILD_DOWN once, recovery and open fds usable after restart', async (t) => {
  const brick = await startRealBrick();
  t.teardown(() => brick.stop());
  const g = await startGraph({ volfile: clientVolfile(brick), brick: false });
  t.teardown(() => g.stop());
  const seen = events(g.graph);
  await g.create('/f', 'before|');
  const { loc } = await g.lookup('/f');
  const fd = new Fd(loc.inode!, constants.O_RDWR);
  await g.fops.open(g.frame(), { loc, flags: constants.O_RDWR, fd });
  t.teardown(() => g.graph.release(fd));

  await brick.kill();
  await waitFor('CHILD_DOWN', () => seen.includes('CHILD_DOWN'));
  t.is(await errno(g.fops.stat(g.frame(), { loc })), E.ENOTCONN);
  t.is(await errno(g.fops.writev(g.frame(), { fd, data: Buffer.from('x'), offset: 0, flags: 0 })), E.ENOTCONN);
  // Reconnect attempts every 3 s fail meanwhile, without repeating CHILD_DOWN.
  await new Promise((r) => setTimeout(r, 3500));
  t.deepEqual(seen, ['CHILD_DOWN']);

  await brick.restart();
  await waitFor('CHILD_UP after restart', () => seen.includes('CHILD_UP'), 15_000);
  const w = await g.fops.writev(g.frame(), { fd, data: Buffer.from('after'), offset: 7, flags: 0 });
  t.is(w.postbuf.size, 12);
  await g.fops.flush(g.frame(), { fd });
  t.is(fs.readFileSync(path.join(brick.dir, 'f'), 'utf8'), 'before|after');
  t.is((await g.fops.stat(g.frame(), { loc })).buf.size, 12);
  t.deepEqual(seen, ['CHILD_DOWN', 'CHILD_UP']);
});

serial('after a brick restart, strict-locks keeps an fd that held a lock closed (EBADFD, no anonymous fd) and reopens the rest; without it every fd is reopened', async (t) => {
  const brick = await startRealBrick();
  t.teardown(() => brick.stop());
  const strict = await startGraph({ volfile: clientVolfile(brick, ['strict-locks on']), brick: false });
  t.teardown(() => strict.stop());
  const plain = await startGraph({ volfile: clientVolfile(brick), brick: false });
  t.teardown(() => plain.stop());
  const seen = { strict: events(strict.graph), plain: events(plain.graph) };
  const owner = Buffer.from('0123abcd');
  const open = async (g: typeof strict, name: string, lock: number[]) => {
    await g.create(`/${name}`, `${name}|`);
    const { loc } = await g.lookup(`/${name}`);
    const fd = new Fd(loc.inode!, constants.O_RDWR);
    await g.fops.open(g.frame({ pid: 21, lkOwner: owner }), { loc, flags: constants.O_RDWR, fd });
    t.teardown(() => g.graph.release(fd));
    for (const type of lock) await g.fops.lk(g.frame({ pid: 21, lkOwner: owner }), { fd, cmd: 6, flock: { type, whence: 0, start: 0n, len: 0n, pid: 21, owner } });
    return fd;
  };
  const locked = await open(strict, 'locked', [1]);
  const unlocked = await open(strict, 'unlocked', [1, 2]);
  const never = await open(strict, 'never', []);
  const plainLocked = await open(plain, 'plain', [1]);

  await brick.kill();
  await waitFor('CHILD_DOWN', () => seen.strict.includes('CHILD_DOWN') && seen.plain.includes('CHILD_DOWN'));
  await brick.restart();
  await waitFor('CHILD_UP after restart', () => seen.strict.includes('CHILD_UP') && seen.plain.includes('CHILD_UP'), 15_000);

  const write = (g: typeof strict, fd: Fd) => g.fops.writev(g.frame(), { fd, data: Buffer.from('after'), offset: 0, flags: 0 });
  t.is(await errno(write(strict, locked)), EBADFD, 'its lock is gone: writing on regardless is refused');
  t.is(await errno(strict.fops.readv(strict.frame(), { fd: locked, size: 4, offset: 0, flags: 0 })), EBADFD, 'no anonymous fd either');
  for (const fd of [unlocked, never]) t.is((await write(strict, fd)).postbuf.size, fd === never ? 6 : 9);
  t.is((await write(plain, plainLocked)).postbuf.size, 6, 'without strict-locks the fd is reopened, as GlusterFS does by default');
  t.is(fs.readFileSync(path.join(brick.dir, 'locked'), 'utf8'), 'locked|');
  t.is(fs.readFileSync(path.join(brick.dir, 'plain'), 'utf8'), 'after|');
});

/**
 * SIGSTOP stops a process only once one of its threads handles the signal; until then its other
 * threads still answer calls. Wait until every thread is stopped.
 */
const brickStopped = (pid: number | undefined) =>
  waitFor('the brick to stop', () => fs.readdirSync(`/proc/${pid}/task`).every((tid) => /^State:\s+T/m.test(fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))), 5000);

serial('a brick that stops answering is dropped after ping-timeout, and the client recovers when it resumes', async (t) => {
  const brick = await startRealBrick();
  t.teardown(() => brick.stop());
  const g = await startGraph({ volfile: clientVolfile(brick, ['ping-timeout 2']), brick: false });
  t.teardown(() => g.stop());
  const seen = events(g.graph);
  await g.create('/p', 'p');
  const { loc } = await g.lookup('/p');

  brick.signal('SIGSTOP');
  t.teardown(() => brick.signal('SIGCONT'));
  await brickStopped(brick.pid());
  const started = Date.now();
  t.is(await errno(g.fops.stat(g.frame(), { loc })), E.ENOTCONN);
  const waited = Date.now() - started;
  t.true(waited >= 1900 && waited < 6000, `dropped after ${waited} ms`);
  t.true(seen.includes('CHILD_DOWN'));

  brick.signal('SIGCONT');
  await waitFor('CHILD_UP after SIGCONT', () => seen.includes('CHILD_UP'), 20_000);
  t.is((await g.fops.stat(g.frame(), { loc })).buf.size, 1);
});

serial('an aborted frame fails a lock call with EINTR at once and the late reply is ignored; other calls run to their reply', async (t) => {
  const brick = await startRealBrick();
  t.teardown(() => brick.stop());
  const g = await startGraph({ volfile: clientVolfile(brick), brick: false });
  t.teardown(() => g.stop());
  await g.create('/lk', 'x');
  const { loc } = await g.lookup('/lk');
  const owner = Buffer.from('aaaaaaaa');
  const fd = new Fd(loc.inode!, constants.O_RDWR);
  await g.fops.open(g.frame({ pid: 11, lkOwner: owner }), { loc, flags: constants.O_RDWR, fd });
  t.teardown(() => g.graph.release(fd));
  const flock = { type: 1, whence: 0, start: 0n, len: 0n, pid: 11, owner };
  brick.signal('SIGSTOP');
  await brickStopped(brick.pid());
  const ac = new AbortController();
  const p = g.fops.lk(g.frame({ pid: 11, lkOwner: owner, signal: ac.signal }), { fd, cmd: 6, flock });
  setTimeout(() => ac.abort(), 100);
  t.is(await errno(p), E.EINTR);
  // A stat asked meanwhile with an aborted frame is not a lock: it waits for its reply.
  const stat = g.fops.stat(g.frame({ signal: AbortSignal.abort() }), { loc });
  brick.signal('SIGCONT');
  t.is((await stat).buf.gfid, loc.inode!.gfid);
  // The connection is still the same one: the next call works.
  t.is((await g.fops.stat(g.frame(), { loc })).buf.gfid, loc.inode!.gfid);
  t.is(await errno(g.fops.lk(g.frame({ pid: 11, lkOwner: owner, signal: AbortSignal.abort() }), { fd, cmd: 6, flock })), E.EINTR);
});

serial('a wrong password is AUTH_FAILED and no data is reachable; the right one connects', async (t) => {
  const brick = await startRealBrick(['auth.login.pc-locks.allow alice', 'auth.login.alice.password s3cret']);
  t.teardown(() => brick.stop());
  const spec = parseVolfileText(clientVolfile(brick, ['username alice', 'password wrong']), '<test>');
  const bad = await activateGraph(spec);
  t.teardown(() => bad.teardown());
  const seen = events(bad);
  await waitFor('AUTH_FAILED', () => seen.includes('AUTH_FAILED'));
  t.is(await errno(bad.fops.stat(createTestFrame(), { loc: { path: '/', inode: bad.itable.root } })), E.ENOTCONN);
  const g = await startGraph({ volfile: clientVolfile(brick, ['username alice', 'password s3cret']), brick: false });
  t.teardown(() => g.stop());
  t.is((await g.lookup('/')).buf.type, 2);
});

test.serial('without a brick the client says CHILD_DOWN and fops fail with ENOTCONN', async (t) => {
  const port = await freePort();
  const graph = await activateGraph(parseVolfileText(clientVolfile({ port, subvolume: 'x' }), '<test>'));
  t.teardown(() => graph.teardown());
  t.is(await graph.waitForChildState(5000), 'CHILD_DOWN');
  t.is(await errno(graph.fops.lookup(createTestFrame(), { loc: { path: '/', inode: graph.itable.root } })), E.ENOTCONN);
});

serial('asked on a glusterd-like port, the client follows PORTBYBRICK to the brick', async (t) => {
  const brick = await startRealBrick();
  t.teardown(() => brick.stop());
  const asked: string[] = [];
  const mgmt = await listenRpc({ host: '127.0.0.1', port: 0 }, (c) => {
    c.serve(DUMP, {
      DUMP: () => ({
        value: { gfs_id: 0n, op_ret: 0, op_errno: 0, prog: [{ progname: 'GF-PMAP', prognum: 34123456n, progver: 1n }, { progname: 'GF-DUMP', prognum: 123451501n, progver: 1n }] },
      }),
    });
    c.serve(PORTMAP, {
      PORTBYBRICK: (args) => {
        asked.push(args.brick);
        return { value: { op_ret: 0, op_errno: 0, status: 0, port: brick.port } };
      },
    });
  });
  t.teardown(() => new Promise<void>((r) => mgmt.close(() => r())));
  const port = (mgmt.address() as { port: number }).port;
  const g = await startGraph({ volfile: clientVolfile({ port, subvolume: brick.subvolume }), brick: false });
  t.teardown(() => g.stop());
  t.deepEqual(asked, [brick.subvolume]);
  await g.mkdir('/via-portmap');
  t.true(fs.statSync(path.join(brick.dir, 'via-portmap')).isDirectory());
});

const createTestFrame = () => createFrame();

serial('over TLS our client talks to a real glusterfsd that has ssl-enabled, and one it does not trust never comes up', async (t) => {
  const dir = tempDir(t, 'gfs-tls-pc-');
  const brickParty = makeParty(dir, 'brick');
  const alice = makeParty(dir, 'alice');
  const eve = makeParty(dir, 'eve');
  const serverTls = tlsOptions(brickParty, caList(dir, 'brick', [alice]));
  const brick = await startRealBrick(Object.entries(serverTls).map(([k, v]) => `${k} ${v}`));
  t.teardown(() => brick.stop());
  const clientCa = caList(dir, 'client', [brickParty]);
  const opts = (p: typeof alice) => Object.entries(tlsOptions(p, clientCa)).map(([k, v]) => `${k} ${v}`);
  const g = await startGraph({ volfile: clientVolfile(brick, opts(alice)), brick: false });
  t.teardown(() => g.stop());
  await g.create('/tls', 'over tls');
  t.is(fs.readFileSync(path.join(brick.dir, 'tls'), 'utf8'), 'over tls');
  t.is((await g.read('/tls')).toString(), 'over tls');
  // Many calls at once over TLS, each landing whole. (glusterfsd reads calls batched into one TLS
  // record too; the real client needed the one-record-per-write rule, see conformance-tls.)
  await Promise.all(Array.from({ length: 64 }, (_, i) => g.create(`/c${i}`, `concurrent ${i}`)));
  for (let i = 0; i < 64; i++) t.is(fs.readFileSync(path.join(brick.dir, `c${i}`), 'utf8'), `concurrent ${i}`);
  const spec = parseVolfileText(clientVolfile(brick, opts(eve)), '<test>');
  const stranger = await activateGraph(spec);
  t.teardown(() => stranger.teardown());
  const seen = events(stranger);
  await new Promise((r) => setTimeout(r, 2000));
  t.false(seen.includes('CHILD_UP'), 'a client the brick does not trust is not served');
});

serial('a real glusterfsd at ssl-cert-depth 0 admits our client with a certificate under its listed root, and not one under an intermediate', async (t) => {
  const dir = tempDir(t, 'gfs-tls-depth-');
  const brickParty = makeParty(dir, 'brick');
  const root = makeParty(dir, 'root');
  const inter = { ...makeSigned(dir, 'inter', root, true), root: false };
  const carol = makeSigned(dir, 'carol', root);
  const dave = makeSigned(dir, 'dave', inter);
  const serverTls = { ...tlsOptions(brickParty, caList(dir, 'root', [root])), 'transport.socket.ssl-cert-depth': '0' };
  const brick = await startRealBrick(Object.entries(serverTls).map(([k, v]) => `${k} ${v}`));
  t.teardown(() => brick.stop());
  const clientCa = caList(dir, 'client', [brickParty]);
  const up = async (p: typeof carol) => {
    const g = await activateGraph(parseVolfileText(clientVolfile(brick, Object.entries(tlsOptions(p, clientCa)).map(([k, v]) => `${k} ${v}`)), '<test>'));
    t.teardown(() => g.teardown());
    const seen = events(g);
    await waitFor('CHILD_UP', () => seen.includes('CHILD_UP'), 3000).catch(() => undefined);
    return seen.includes('CHILD_UP');
  };
  t.true(await up(carol), 'signed by the listed root');
  t.false(await up(dave), 'one intermediate above it');
});
