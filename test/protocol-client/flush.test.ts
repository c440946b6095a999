/**
 * flush-to-brick: a FLUSH (every close) reaches the brick for files this client locked, and
 * otherwise is answered here (it would do nothing there). Counted on one of our bricks through
 * debug/io-stats; lock semantics checked against a real glusterfsd.
 */
import test from 'ava';
import { constants } from 'node:fs';
import { Dict } from '../../runtime/core/dict.js';
import { Fd } from '../../runtime/core/fd.js';
import { E, FopError } from '../../runtime/core/fop-error.js';
import type { Graph } from '../../runtime/graph/graph.js';
import { activateGraph } from '../../runtime/graph/create.js';
import { parseVolfileText } from '../../runtime/graph/load.js';
import { startGraph, type TestGraph } from '../../runtime/testkit/index.js';
import { serverAddress } from '../../xlators/protocol/server/index.js';
import { tempDir } from '../protocol-server/helpers.js';
import { HAVE_GLUSTERFSD, clientVolfile, startRealBrick } from './helpers/real-brick.js';
import { needing } from '../helpers/needs.js';

const F_SETLK = 6;
const WR = 1;
const errno = async (p: Promise<unknown>) => (await p.then(() => 0, (e: unknown) => (e instanceof FopError ? e.errno : -1)));

/** posix + locks + io-stats under protocol/server, in this process. */
async function countingBrick(t: { teardown(fn: () => unknown): void }): Promise<{ graph: Graph; port: number; flushes(): number }> {
  const dir = tempDir(t);
  const text = [
    'volume b-posix', '    type storage/posix', `    option directory ${dir}`, 'end-volume',
    'volume b-locks', '    type features/locks', '    subvolumes b-posix', 'end-volume',
    'volume b-stats', '    type debug/io-stats', '    subvolumes b-locks', 'end-volume',
    'volume srv', '    type protocol/server', '    option transport-type tcp', '    option transport.socket.listen-port 0',
    '    option transport.socket.bind-address 127.0.0.1', '    option auth.addr.b-stats.allow *', '    subvolumes b-stats', 'end-volume', '',
  ].join('\n');
  const graph = await activateGraph(parseVolfileText(text, '<brick>'));
  t.teardown(() => graph.teardown());
  const addr = serverAddress(graph.top) as { port: number };
  const flushes = () => (graph.get('b-stats')!.dump().state as { fops: Record<string, { calls: number }> }).fops.flush?.calls ?? 0;
  return { graph, port: addr.port, flushes };
}

async function openFd(g: TestGraph, path: string): Promise<Fd> {
  const { loc } = await g.lookup(path);
  const fd = new Fd(loc.inode!, constants.O_RDWR);
  await g.fops.open(g.frame(), { loc, flags: constants.O_RDWR, fd });
  return fd;
}

const lock = (g: TestGraph, fd: Fd, owner: string) =>
  g.fops.lk(g.frame({ lkOwner: Buffer.from(owner), pid: 7 }), { fd, cmd: F_SETLK, flock: { type: WR, whence: 0, start: 0n, len: 0n, pid: 7, owner: Buffer.from(owner) } });

test('closing a file this client never locked sends no FLUSH to the brick; once it sent a lock, every fd of that file flushes there', async (t) => {
  const brick = await countingBrick(t);
  const g = await startGraph({ volfile: clientVolfile({ port: brick.port, subvolume: 'b-stats' }), brick: false });
  t.teardown(() => g.stop());
  await g.create('/plain', 'x');
  await g.create('/locked', 'x');
  const plain = await openFd(g, '/plain');
  await g.fops.flush(g.frame(), { fd: plain });
  t.is(brick.flushes(), 0, 'a never-locked file is not flushed on the brick');
  const l1 = await openFd(g, '/locked');
  const l2 = await openFd(g, '/locked');
  await lock(g, l1, 'owner-a');
  await g.fops.flush(g.frame({ lkOwner: Buffer.from('owner-a') }), { fd: l2 });
  t.is(brick.flushes(), 1, 'a locked file is flushed through another fd too');
  await g.fops.flush(g.frame(), { fd: plain });
  t.is(brick.flushes(), 1);
  // A FLUSH carrying xdata is meant for something on the brick: it goes there.
  await g.fops.flush(g.frame(), { fd: plain, xdata: new Dict().setStr('for-the-brick', 'x') });
  t.is(brick.flushes(), 2);
  for (const fd of [plain, l1, l2]) await g.graph.release(fd);
});

test('with flush-to-brick always, every close is a FLUSH on the brick', async (t) => {
  const brick = await countingBrick(t);
  const g = await startGraph({ volfile: clientVolfile({ port: brick.port, subvolume: 'b-stats' }, ['flush-to-brick always']), brick: false });
  t.teardown(() => g.stop());
  await g.create('/plain', 'x');
  const fd = await openFd(g, '/plain');
  const before = brick.flushes(); // the helper's create closes its fd too
  await g.fops.flush(g.frame(), { fd });
  await g.fops.flush(g.frame(), { fd });
  t.is(brick.flushes(), before + 2);
  await g.graph.release(fd);
});

test('a close answered by the client still fails with ENOTCONN while the brick is gone', async (t) => {
  const brick = await countingBrick(t);
  const g = await startGraph({ volfile: clientVolfile({ port: brick.port, subvolume: 'b-stats' }), brick: false });
  t.teardown(() => g.stop());
  await g.create('/plain', 'x');
  const fd = await openFd(g, '/plain');
  await brick.graph.teardown();
  await g.graph.waitForChildState(5000);
  for (let i = 0; i < 50 && g.graph.lastTopEvent !== 'CHILD_DOWN'; i++) await new Promise((r) => setTimeout(r, 100));
  t.is(await errno(g.fops.flush(g.frame(), { fd })), E.ENOTCONN);
});

needing(HAVE_GLUSTERFSD, 'glusterfsd (glusterfs-server)')('on a real glusterfsd, closing another fd of a file locked through this client drops the owner\'s lock (POSIX), so another owner can take it', async (t) => {
  const brick = await startRealBrick();
  t.teardown(() => brick.stop());
  const a = await startGraph({ volfile: clientVolfile(brick), brick: false });
  t.teardown(() => a.stop());
  const b = await startGraph({ volfile: clientVolfile(brick, [], 'pc-client-b'), brick: false });
  t.teardown(() => b.stop());
  await a.create('/f', 'x');
  const held = await openFd(a, '/f');
  const other = await openFd(a, '/f');
  const theirs = await openFd(b, '/f');
  await lock(a, held, 'owner-a');
  t.is(await errno(lock(b, theirs, 'owner-b')), E.EAGAIN, 'the lock is held');
  await a.fops.flush(a.frame({ lkOwner: Buffer.from('owner-a') }), { fd: other });
  await lock(b, theirs, 'owner-b');
  for (const fd of [held, other]) await a.graph.release(fd);
  await b.graph.release(theirs);
});
