/**
 * Real GlusterFS 10.3 fuse clients on gfs bricks (posix -> locks -> server): their lk requests
 * (GF_LK_* commands on the wire) reach features/locks and contend across clients, and DHT's
 * inodelk/entrylk traffic lets a distribute volume create, rename and delete.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster } from './fixtures/cluster.js';
import { needing } from '../helpers/needs.js';

const HAVE_REAL_GLUSTER = existsSync('/usr/sbin/glusterfs') && existsSync('/dev/fuse');
const realTest = needing(HAVE_REAL_GLUSTER, 'the real glusterfs client (glusterfs-client) or /dev/fuse');

realTest('record and flock locks taken through two real GlusterFS clients contend on a gfs brick', async (t) => {
  const c = await startCluster({ mounts: 2, client: 'glusterfs' });
  t.teardown(() => c.stop());
  const [a, b] = [join(c.mounts[0]!, 'f'), join(c.mounts[1]!, 'f')];
  writeFileSync(a, 'data\n');
  const holder = c.hold(a, 'posix', 'ex');
  t.is(await holder.next(), 'LOCKED');
  t.is(await c.hold(b, 'posix', 'sh', true).next(), 'ERR 11');
  const waiter = c.hold(b, 'posix', 'ex');
  t.is(await waiter.next(700), 'timeout');
  holder.child.kill('SIGKILL');
  t.is(await waiter.next(), 'LOCKED', 'the killed holder released its lock');
  await waiter.close();
  const f1 = c.hold(a, 'flock', 'ex');
  t.is(await f1.next(), 'LOCKED');
  t.is(await c.hold(b, 'flock', 'ex', true).next(), 'ERR 11');
  await f1.close();
  const f2 = c.hold(b, 'flock', 'ex', true);
  t.is(await f2.next(), 'LOCKED');
  await f2.close();
});

realTest('a real GlusterFS distribute client over two gfs bricks creates, lists, renames and deletes', async (t) => {
  const c = await startCluster({ mounts: 1, client: 'glusterfs', bricks: 2, locksOptions: { trace: 'on' } });
  t.teardown(() => c.stop());
  const m = c.mounts[0]!;
  mkdirSync(join(m, 'dir/sub'), { recursive: true });
  for (let i = 0; i < 8; i++) writeFileSync(join(m, 'dir', `f${i}`), `${i}\n`);
  t.deepEqual(readdirSync(join(m, 'dir')).sort(), ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'sub']);
  renameSync(join(m, 'dir/f0'), join(m, 'dir/g0'));
  renameSync(join(m, 'dir/sub'), join(m, 'dir/sub2'));
  rmSync(join(m, 'dir/f1'));
  rmdirSync(join(m, 'dir/sub2'));
  t.deepEqual(readdirSync(join(m, 'dir')).sort(), ['f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'g0']);
  const onBricks = new Set([0, 1].flatMap((i) => readdirSync(join(c.dir, `brick${i}`, 'dir'))));
  for (const name of ['f2', 'f7', 'g0']) t.true(onBricks.has(name), `${name} is on a brick`);
  for (const gone of ['f0', 'f1', 'sub', 'sub2']) t.false(onBricks.has(gone), `${gone} is gone from every brick`);
  const logs = [0, 1].map((i) => readFileSync(join(c.dir, `brick${i}.log`), 'utf8')).join('');
  t.regex(logs, /\] inodelk set/, 'DHT took inodelks on the bricks');
  t.regex(logs, /\] entrylk cmd=/, 'DHT took entrylks on the bricks');
});
