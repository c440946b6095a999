/**
 * Lock contention between two real mounts of one volume: two gfs-mount clients of one gfs-brick
 * (posix -> locks -> server). Locks live on the brick, so a lock taken by a process on one
 * mount must block a conflicting lock taken by a process on the other.
 */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type Cluster } from './fixtures/cluster.js';

const EAGAIN = 'ERR 11';
let c: Cluster;

test.before(async () => {
  c = await startCluster({ mounts: 2 });
});
test.after.always(async () => {
  await c?.stop();
});

/** A fresh file, created through mount 0, and its path in each mount. */
function file(name: string): [string, string] {
  writeFileSync(join(c.mounts[0]!, name), 'data\n');
  return [join(c.mounts[0]!, name), join(c.mounts[1]!, name)];
}

test.serial('a write lock on one mount makes a non-blocking lock on the other fail with EAGAIN, and F_GETLK names the holder', async (t) => {
  const [a, b] = file('nb');
  const holder = c.hold(a, 'posix', 'ex');
  t.is(await holder.next(), 'LOCKED');
  const other = c.hold(b, 'posix', 'ex', true);
  t.is(await other.next(), EAGAIN);
  t.is(await c.getlk(b, 'sh'), `GETLK wr 0 0 ${holder.pid}`);
  await holder.close();
  t.is(await c.getlk(b, 'ex'), 'GETLK un 0 0 0');
});

test.serial('a blocking lock on one mount waits for the holder on the other and is granted when it closes the file', async (t) => {
  const [a, b] = file('block');
  const holder = c.hold(a, 'posix', 'ex');
  t.is(await holder.next(), 'LOCKED');
  const waiter = c.hold(b, 'posix', 'ex');
  t.is(await waiter.next(700), 'timeout', 'the waiter is blocked');
  await holder.close();
  t.is(await waiter.next(), 'LOCKED');
  await waiter.close();
});

test.serial('read locks on both mounts coexist; a writer waits for both', async (t) => {
  const [a, b] = file('shared');
  const r1 = c.hold(a, 'posix', 'sh');
  const r2 = c.hold(b, 'posix', 'sh');
  t.is(await r1.next(), 'LOCKED');
  t.is(await r2.next(), 'LOCKED');
  const writer = c.hold(a, 'posix', 'ex');
  t.is(await writer.next(700), 'timeout');
  await r2.close();
  t.is(await writer.next(500), 'timeout', 'one reader is still there');
  await r1.close();
  t.is(await writer.next(), 'LOCKED');
  await writer.close();
});

test.serial('a holder killed with SIGKILL loses its lock', async (t) => {
  const [a, b] = file('killed');
  const holder = c.hold(a, 'posix', 'ex');
  t.is(await holder.next(), 'LOCKED');
  const waiter = c.hold(b, 'posix', 'ex');
  t.is(await waiter.next(700), 'timeout');
  holder.child.kill('SIGKILL');
  t.is(await waiter.next(), 'LOCKED');
  await waiter.close();
});

test.serial('flock locks exclude each other across mounts, ignore fcntl locks and go with the last close', async (t) => {
  const [a, b] = file('flock');
  const holder = c.hold(a, 'flock', 'ex');
  t.is(await holder.next(), 'LOCKED');
  t.is(await c.hold(b, 'flock', 'sh', true).next(), EAGAIN);
  const fcntl = c.hold(b, 'posix', 'ex', true);
  t.is(await fcntl.next(), 'LOCKED', 'an fcntl lock does not see the flock lock');
  await fcntl.close();
  const waiter = c.hold(b, 'flock', 'ex');
  t.is(await waiter.next(700), 'timeout');
  await holder.close();
  t.is(await waiter.next(), 'LOCKED');
  waiter.child.kill('SIGKILL');
  t.is(await c.hold(a, 'flock', 'ex', true).next(), 'LOCKED', 'the killed holder released its flock lock');
});

test.serial('two processes on one mount contend too', async (t) => {
  const [a] = file('same-mount');
  const holder = c.hold(a, 'posix', 'ex');
  t.is(await holder.next(), 'LOCKED');
  t.is(await c.hold(a, 'posix', 'ex', true).next(), EAGAIN);
  await holder.close();
  const again = c.hold(a, 'posix', 'ex', true);
  t.is(await again.next(), 'LOCKED');
  await again.close();
});

test.serial('a waiter killed while blocked leaves the queue and never holds the lock', async (t) => {
  const [a, b] = file('dead-waiter');
  const holder = c.hold(a, 'posix', 'ex');
  t.is(await holder.next(), 'LOCKED');
  const waiter = c.hold(b, 'posix', 'ex');
  t.is(await waiter.next(700), 'timeout');
  waiter.child.kill('SIGKILL');
  await waiter.exited;
  await holder.close();
  const next = c.hold(a, 'posix', 'ex', true);
  t.is(await next.next(), 'LOCKED', 'nobody holds the lock the dead waiter asked for');
  await next.close();
});

// Last: it kills mount 0's client process.
test.serial('when a mount client dies, the brick releases its locks and wakes the other mount', async (t) => {
  const [a, b] = file('client-death');
  const holder = c.hold(a, 'posix', 'ex');
  t.is(await holder.next(), 'LOCKED');
  const waiter = c.hold(b, 'posix', 'ex');
  t.is(await waiter.next(700), 'timeout');
  c.killMount(0);
  t.is(await waiter.next(), 'LOCKED', 'the disconnect released the dead client\'s lock');
  await waiter.close();
});
