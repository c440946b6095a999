import test from 'ava';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findMount } from '../../xlators/mount/fuse/kernel/mount.js';
import { until } from '../fuse/fixtures/server.js';
import { alive, gfsMount, makeEnv } from './fixtures/harness.js';

const exec = promisify(execFile);
const DEMO = fileURLToPath(new URL('../../volfiles/demo.vol', import.meta.url));

test('volfiles/demo.vol mounts a storage/posix brick and files land in the brick', async (t) => {
  const env = makeEnv(t);
  const brick = join(env.dir, 'brick');
  fs.mkdirSync(brick);
  const r = await gfsMount([...env.opts(`xlator-option=demo-posix.directory=${brick}`), DEMO, env.mnt]);
  t.is(r.code, 0, r.stderr);
  const data = randomBytes(3 << 20);
  fs.mkdirSync(join(env.mnt, 'dir'));
  fs.writeFileSync(join(env.mnt, 'dir', 'file'), data);
  t.true(fs.readFileSync(join(env.mnt, 'dir', 'file')).equals(data));
  t.true(fs.readFileSync(join(brick, 'dir', 'file')).equals(data), 'the data is in the brick');
  const { stdout } = await exec('getfattr', ['-n', 'trusted.gfid', '-e', 'hex', join(brick, 'dir', 'file')]);
  t.regex(stdout, /trusted.gfid=0x[0-9a-f]{32}/);
  fs.renameSync(join(env.mnt, 'dir', 'file'), join(env.mnt, 'moved'));
  fs.rmdirSync(join(env.mnt, 'dir'));
  t.deepEqual(fs.readdirSync(env.mnt), ['moved']);
  t.regex(fs.readFileSync(env.log, 'utf8'), /type debug\/io-stats/);
  const pid = env.daemonPid()!;
  await exec('umount', [env.mnt]);
  t.true(await until(() => !alive(pid)));
  t.is(findMount(env.mnt), undefined);
});

test('security.capability is answered by the mount unless -o capability passes it to the volume', async (t) => {
  for (const passed of [false, true]) {
    const env = makeEnv(t);
    const brick = join(env.dir, 'brick');
    fs.mkdirSync(brick);
    const extra = passed ? ['-o', 'capability'] : [];
    const r = await gfsMount([...env.opts(`xlator-option=demo-posix.directory=${brick}`), ...extra, DEMO, env.mnt]);
    t.is(r.code, 0, r.stderr);
    const file = join(env.mnt, 'prog');
    fs.writeFileSync(file, 'x');
    // A file capability (cap_net_bind_service+ep): version 2 header, permitted bit 10 set.
    const cap = '0x0100000200040000000000000000000000000000';
    const set = await exec('setfattr', ['-n', 'security.capability', '-v', cap, file]).then(() => 'ok', (e: { stderr: string }) => e.stderr);
    if (passed) {
      t.is(set, 'ok');
      const { stdout } = await exec('getfattr', ['-n', 'security.capability', '-e', 'hex', join(brick, 'prog')]);
      t.regex(stdout, /security.capability=0x01000002/, 'the capability reached the brick');
    } else {
      t.regex(set, /Operation not supported/);
      const get = await exec('getfattr', ['-n', 'security.capability', file]).then(() => 'found', (e: { stderr: string }) => e.stderr);
      t.regex(get, /No such attribute/);
    }
    await exec('umount', [env.mnt]);
  }
});
