import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { gfidFromBuffer } from '../../../runtime/core/gfid.js';
import { native } from '../../../native/index.js';
import { HAVE_REAL_CLIENT, mounted, realClientOverBrick } from './real-client.js';
import { needing } from '../../helpers/needs.js';
import { caList, makeParty, tlsOptions } from '../../helpers/tls-certs.js';
import { tempDir } from '../../protocol-server/helpers.js';

// Real FUSE mounts: one at a time.
const serial = needing(HAVE_REAL_CLIENT, 'the real glusterfs client (glusterfs-client) or /dev/fuse');

const diskGfid = (p: string) => gfidFromBuffer(native.lgetxattrSync(p, 'trusted.gfid'));
const handle = (brick: string, g: string) => path.join(brick, '.glusterfs', g.slice(0, 2), g.slice(2, 4), g);

serial('the real glusterfs client mounts gfs-brick: files, directories, links and xattrs land in GlusterFS format', async (t) => {
  const { brick, mnt } = await realClientOverBrick(t);
  const m = (p: string) => path.join(mnt, p);
  const d = (p: string) => path.join(brick.brick, p);

  fs.mkdirSync(m('d/e'), { recursive: true });
  fs.writeFileSync(m('d/f'), 'hello from the real client');
  t.is(fs.readFileSync(m('d/f'), 'utf8'), 'hello from the real client');
  t.is(fs.readFileSync(d('d/f'), 'utf8'), 'hello from the real client');
  t.deepEqual(fs.readdirSync(m('d')).sort(), ['e', 'f']);

  // gfids and handles, as glusterfsd would have written them
  const fg = diskGfid(d('d/f'));
  t.is(fs.statSync(handle(brick.brick, fg)).ino, fs.statSync(d('d/f')).ino, 'a file handle is a hard link');
  const dg = diskGfid(d('d'));
  t.is(fs.readlinkSync(handle(brick.brick, dg)), '../../00/00/00000000-0000-0000-0000-000000000001/d');

  fs.renameSync(m('d/f'), m('d/g'));
  t.false(fs.existsSync(d('d/f')));
  t.is(diskGfid(d('d/g')), fg, 'rename keeps the gfid');
  fs.symlinkSync('g', m('d/l'));
  t.is(fs.readlinkSync(d('d/l')), 'g');
  t.is(fs.readFileSync(m('d/l'), 'utf8'), 'hello from the real client');
  fs.linkSync(m('d/g'), m('d/hard'));
  t.is(fs.statSync(d('d/hard')).ino, fs.statSync(d('d/g')).ino);

  execFileSync('setfattr', ['-n', 'user.k', '-v', 'v1', m('d/g')]);
  t.is(native.lgetxattrSync(d('d/g'), 'user.k').toString(), 'v1');
  t.regex(execFileSync('getfattr', ['--absolute-names', '-n', 'user.k', m('d/g')]).toString(), /user\.k="v1"/);
  execFileSync('setfattr', ['-x', 'user.k', m('d/g')]);
  t.throws(() => native.lgetxattrSync(d('d/g'), 'user.k'));

  fs.truncateSync(m('d/g'), 100_000);
  t.is(fs.statSync(d('d/g')).size, 100_000);
  t.is(fs.statSync(m('d/g')).size, 100_000);
  fs.chmodSync(m('d/g'), 0o640);
  t.is(fs.statSync(d('d/g')).mode & 0o777, 0o640);

  const big = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 12)) & 0xff;
  fs.writeFileSync(m('d/big'), big);
  t.true(fs.readFileSync(d('d/big')).equals(big));
  t.true(fs.readFileSync(m('d/big')).equals(big));

  fs.unlinkSync(m('d/l'));
  fs.unlinkSync(m('d/big'));
  fs.unlinkSync(m('d/hard'));
  t.false(fs.existsSync(d('d/big')));
  t.false(fs.existsSync(handle(brick.brick, fg)) && fs.statSync(handle(brick.brick, fg)).nlink !== 2, 'the handle of a file still linked stays');
  fs.rmdirSync(m('d/e'));
  t.deepEqual(fs.readdirSync(d('d')).sort(), ['g']);
  const sv = fs.statfsSync(mnt);
  t.true(sv.blocks > 0);
});

serial('POSIX locks taken through the real client are served by features/locks on gfs-brick', async (t) => {
  const { mnt } = await realClientOverBrick(t);
  fs.writeFileSync(path.join(mnt, 'lockme'), 'x');
  const out = execFileSync('python3', ['-c', [
    'import fcntl, os, sys',
    `f = open(${JSON.stringify(path.join(mnt, 'lockme'))}, "r+")`,
    'fcntl.lockf(f, fcntl.LOCK_EX)',
    'pid = os.fork()',
    'if pid == 0:',
    '    g = open(f.name, "r+")',
    '    try:',
    '        fcntl.lockf(g, fcntl.LOCK_EX | fcntl.LOCK_NB); os._exit(1)',
    '    except OSError:',
    '        os._exit(0)',
    '_, st = os.waitpid(pid, 0)',
    'fcntl.lockf(f, fcntl.LOCK_UN)',
    'print("conflict-seen" if os.WEXITSTATUS(st) == 0 else "no-conflict")',
  ].join('\n')]).toString().trim();
  t.is(out, 'conflict-seen');
});

serial('the real client is refused by a gfs-brick whose auth rejects it, and logs in with the right password', async (t) => {
  const login = { 'auth.login.b-locks.allow': 'alice', 'auth.login.alice.password': 's3cret', 'strict-auth-accept': 'on' };
  const ok = await realClientOverBrick(t, login, { username: 'alice', password: 's3cret' });
  fs.writeFileSync(path.join(ok.mnt, 'in'), 'ok');
  t.is(fs.readFileSync(path.join(ok.brick.brick, 'in'), 'utf8'), 'ok');
  await ok.stop();
  const bad = await realClientOverBrick(t, login, { username: 'alice', password: 'guess' }, { expectRefusal: true });
  t.regex(fs.readFileSync(bad.clientLog, 'utf8'), /SETVOLUME on remote-host failed \[\{remote-error=Authentication failed\}/);
  t.false(mounted(bad.mnt), 'the refused client gives up its mount');
  t.deepEqual(fs.readdirSync(bad.brick.brick).filter((n) => n !== '.glusterfs'), [], 'nothing reached the brick');
  t.regex(fs.readFileSync(bad.brick.logFile, 'utf8'), /SETVOLUME from .* refused: Authentication failed/);
});

serial('the real client mounts gfs-brick over TLS with a certificate the brick trusts, and ssl-allow turns away another', async (t) => {
  const dir = tempDir(t, 'gfs-tls-real-');
  const brickParty = makeParty(dir, 'brick');
  const alice = makeParty(dir, 'alice');
  const bob = makeParty(dir, 'bob');
  const server = { ...tlsOptions(brickParty, caList(dir, 'brick', [alice, bob])), 'auth.login.b-locks.ssl-allow': 'alice' };
  const clientCa = caList(dir, 'client', [brickParty]);
  const ok = await realClientOverBrick(t, server, tlsOptions(alice, clientCa));
  fs.writeFileSync(path.join(ok.mnt, 'secret'), 'over tls');
  t.is(fs.readFileSync(path.join(ok.brick.brick, 'secret'), 'utf8'), 'over tls');
  await ok.stop();
  const refused = await realClientOverBrick(t, server, tlsOptions(bob, clientCa), { expectRefusal: true });
  t.false(mounted(refused.mnt), 'a certificate not in ssl-allow gets no mount');
  t.regex(fs.readFileSync(refused.brick.logFile, 'utf8'), /SETVOLUME from .* refused: Authentication failed/);
});
