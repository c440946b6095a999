import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { native } from '../../../native/index.js';
import { gfidFromBuffer } from '../../../runtime/core/gfid.js';
import { findMount, kernelUnmount } from '../../../xlators/mount/fuse/kernel/mount.js';
import { gfsMount } from '../../mount/fixtures/harness.js';
import { HAVE_GLUSTERFSD, clientVolfile, startRealBrick, type RealBrick } from '../../protocol-client/helpers/real-brick.js';
import { needing } from '../../helpers/needs.js';
import { alive, readPidFile } from '../../../scripts/lib/process.js';

const serial = needing(HAVE_GLUSTERFSD && fs.existsSync('/dev/fuse'), 'glusterfsd (glusterfs-server) or /dev/fuse');


interface Mounted {
  brick: RealBrick;
  mnt: string;
  dir: string;
}

/** Our gfs-mount of a protocol/client volfile pointing at a real glusterfsd; all undone in teardown. */
async function mountOverRealBrick(t: { teardown(fn: () => unknown): void }): Promise<Mounted> {
  const brick = await startRealBrick();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs-ic-'));
  const mnt = path.join(dir, 'mnt');
  fs.mkdirSync(mnt);
  const vol = path.join(dir, 'client.vol');
  fs.writeFileSync(vol, clientVolfile(brick));
  const pidFile = path.join(dir, 'mount.pid');
  t.teardown(async () => {
    const pid = readPidFile(pidFile); // before the unmount, after which the daemon removes it
    if (findMount(mnt)) await kernelUnmount(mnt);
    for (let i = 0; pid && alive(pid) && i < 50; i++) await sleep(100);
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 3 && findMount(mnt); i++) await kernelUnmount(mnt, { lazy: true });
    await brick.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const r = await gfsMount(['-o', `log-file=${path.join(dir, 'mount.log')},pid-file=${pidFile}`, vol, mnt]);
  if (r.code !== 0) throw new Error(`gfs-mount failed (${r.code}): ${r.stderr}\n${fs.existsSync(path.join(dir, 'mount.log')) ? fs.readFileSync(path.join(dir, 'mount.log'), 'utf8').slice(-3000) : ''}`);
  return { brick, mnt, dir };
}

serial('gfs-mount over a real glusterfsd: create, write, read, list, rename, symlink, xattr, truncate, unlink', async (t) => {
  const { brick, mnt } = await mountOverRealBrick(t);
  const m = (p: string) => path.join(mnt, p);
  const disk = (p: string) => path.join(brick.dir, p);

  fs.mkdirSync(m('d'));
  fs.writeFileSync(m('d/f'), 'hello\n');
  t.is(fs.readFileSync(disk('d/f'), 'utf8'), 'hello\n');
  t.is(fs.readFileSync(m('d/f'), 'utf8'), 'hello\n');
  t.is(fs.statSync(m('d/f')).size, 6);
  // The brick gave the file its gfid and our stat shows the brick's inode number for it.
  t.is(gfidFromBuffer(native.lgetxattrSync(disk('d/f'), 'trusted.gfid')).length, 36);

  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  fs.writeFileSync(m('d/big'), big);
  t.true(fs.readFileSync(m('d/big')).equals(big));
  t.true(fs.readFileSync(disk('d/big')).equals(big));

  t.deepEqual(fs.readdirSync(m('d')).sort(), ['big', 'f']);
  const withTypes = fs.readdirSync(m('d'), { withFileTypes: true }).map((e) => `${e.name}:${e.isFile() ? 'f' : '?'}`).sort();
  t.deepEqual(withTypes, ['big:f', 'f:f']);

  fs.renameSync(m('d/f'), m('d/g'));
  t.false(fs.existsSync(disk('d/f')));
  t.is(fs.readFileSync(disk('d/g'), 'utf8'), 'hello\n');

  fs.symlinkSync('g', m('d/l'));
  t.is(fs.readlinkSync(m('d/l')), 'g');
  t.is(fs.readlinkSync(disk('d/l')), 'g');
  t.is(fs.readFileSync(m('d/l'), 'utf8'), 'hello\n');

  native.lsetxattrSync(m('d/g'), 'user.k', Buffer.from('v'));
  t.is(native.lgetxattrSync(m('d/g'), 'user.k').toString(), 'v');
  t.is(native.lgetxattrSync(disk('d/g'), 'user.k').toString(), 'v');

  fs.truncateSync(m('d/g'), 100000);
  t.is(fs.statSync(m('d/g')).size, 100000);
  t.is(fs.statSync(disk('d/g')).size, 100000);

  const fd = fs.openSync(m('d/g'), 'r+');
  fs.writeSync(fd, Buffer.from('HE'), 0, 2, 0);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  t.is(fs.readFileSync(disk('d/g')).subarray(0, 6).toString(), 'HEllo\n');

  fs.unlinkSync(m('d/l'));
  fs.unlinkSync(m('d/big'));
  t.false(fs.existsSync(disk('d/l')));
  t.deepEqual(fs.readdirSync(m('d')), ['g']);
  fs.unlinkSync(m('d/g'));
  fs.rmdirSync(m('d'));
  t.false(fs.existsSync(disk('d')));
  t.true(fs.statfsSync(mnt).blocks > 0);
});

serial('gfs-mount over a real glusterfsd survives a brick restart: ENOTCONN while down, an open file usable after', async (t) => {
  const { brick, mnt } = await mountOverRealBrick(t);
  const file = path.join(mnt, 'kept');
  fs.writeFileSync(file, 'one|');
  const fd = fs.openSync(file, 'r+');
  t.teardown(() => {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
  });
  await brick.kill();
  await sleep(300);
  const err = t.throws(() => fs.statSync(path.join(mnt, 'other')));
  t.is((err as NodeJS.ErrnoException).code, 'ENOTCONN');
  await brick.restart();
  // The client reconnects every 3 s; wait until the volume answers again.
  let ok = false;
  for (let i = 0; i < 100 && !ok; i++) {
    try {
      fs.statSync(file);
      ok = true;
    } catch {
      await sleep(200);
    }
  }
  t.true(ok, 'the mount answers again after the brick restarted');
  fs.writeSync(fd, 'two', 4);
  fs.fsyncSync(fd);
  t.is(fs.readFileSync(path.join(brick.dir, 'kept'), 'utf8'), 'one|two');
});
