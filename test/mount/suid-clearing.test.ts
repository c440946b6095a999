/**
 * gfs-mount takes FUSE_HANDLE_KILLPRIV_V2: the kernel then stops asking for security.capability
 * before every write and leaves clearing set-user-ID and set-group-ID bits to the mount, flagging
 * the writes, truncates and O_TRUNC opens of callers without CAP_FSETID. The brick writes as
 * root (which keeps the bits), so only the mount clears them: these run the callers as nobody.
 */
import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mountDemoVolume } from './fixtures/harness.js';

const exec = promisify(execFile);
const NOBODY = 65534;

async function mountDemo(t: ExecutionContext, more = '') {
  const { env, brick } = await mountDemoVolume(t, more);
  return { mnt: env.mnt, brick };
}

/** Run one python statement as nobody with `p` bound to the path. */
const asNobody = (statement: string, p: string) =>
  exec('python3', ['-c', `import os, sys; p = sys.argv[1]; ${statement}`, p], { uid: NOBODY, gid: NOBODY });

const WRITE = "fd = os.open(p, os.O_WRONLY); os.write(fd, b'x'); os.close(fd)";
const mode = (p: string) => fs.statSync(p).mode & 0o7777;

function made(dir: string, name: string, perm: number): string {
  const p = join(dir, name);
  fs.writeFileSync(p, 'data');
  fs.chmodSync(p, perm);
  return p;
}

test('a write by an unprivileged caller clears S_ISUID, and S_ISGID on a group-executable file or outside its group', async (t) => {
  const { mnt, brick } = await mountDemo(t);
  const suid = made(mnt, 'suid', 0o4777);
  const sgidX = made(mnt, 'sgid-x', 0o2777);
  const sgidNoX = made(mnt, 'sgid-nox', 0o2766);
  const sgidNoXOwnGroup = made(mnt, 'sgid-nox-own-group', 0o2766);
  fs.chownSync(sgidNoXOwnGroup, 0, NOBODY);
  fs.chmodSync(sgidNoXOwnGroup, 0o2766); // chown cleared it
  for (const p of [suid, sgidX, sgidNoX, sgidNoXOwnGroup]) await asNobody(WRITE, p);
  t.is(mode(suid), 0o777);
  t.is(mode(sgidX), 0o777);
  t.is(mode(sgidNoX), 0o766, 'S_ISGID of a group the writer is not in goes (Linux 6.2 on)');
  t.is(mode(sgidNoXOwnGroup), 0o2766, 'without group execute, in its own group, S_ISGID stays');
  t.is(mode(join(brick, 'suid')), 0o777, 'cleared on the brick too');
  t.is(fs.readFileSync(suid, 'utf8'), 'xata', 'the write itself went through');
});

test('a write by root keeps S_ISUID (CAP_FSETID)', async (t) => {
  const { mnt } = await mountDemo(t);
  const p = made(mnt, 'suid', 0o4777);
  const fd = fs.openSync(p, 'r+');
  fs.writeSync(fd, 'x');
  fs.closeSync(fd);
  t.is(mode(p), 0o4777);
});

test('a truncate, ftruncate, O_TRUNC open, fallocate or copy_file_range by an unprivileged caller clears S_ISUID', async (t) => {
  const { mnt, brick } = await mountDemo(t);
  const cases: [string, string][] = [
    ['truncated', 'os.truncate(p, 1)'],
    ['ftruncated', 'fd = os.open(p, os.O_WRONLY); os.ftruncate(fd, 2); os.close(fd)'],
    ['opened', 'os.close(os.open(p, os.O_WRONLY | os.O_TRUNC))'],
    ['allocated', 'fd = os.open(p, os.O_WRONLY); os.posix_fallocate(fd, 0, 8192); os.close(fd)'],
    ['copied-into', "src = os.open(p + '.src', os.O_RDONLY); fd = os.open(p, os.O_WRONLY); os.copy_file_range(src, fd, 3, 0, 0); os.close(fd); os.close(src)"],
  ];
  for (const [name] of cases) made(mnt, name, 0o6777);
  fs.writeFileSync(join(mnt, 'copied-into.src'), 'abc');
  for (const [name, op] of cases) await asNobody(op, join(mnt, name));
  for (const [name] of cases) t.is(mode(join(brick, name)), 0o777, name);
  t.is(fs.statSync(join(brick, 'truncated')).size, 1);
  t.is(fs.statSync(join(brick, 'ftruncated')).size, 2);
  t.is(fs.statSync(join(brick, 'opened')).size, 0);
  t.is(fs.statSync(join(brick, 'allocated')).size, 8192);
  t.is(fs.readFileSync(join(brick, 'copied-into'), 'utf8'), 'abca');
});

test('root keeps S_ISUID through a truncate, fallocate and O_TRUNC open (CAP_FSETID)', async (t) => {
  const { mnt } = await mountDemo(t);
  const p = made(mnt, 'suid', 0o4777);
  fs.truncateSync(p, 1);
  const fd = fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_TRUNC);
  fs.closeSync(fd);
  await exec('python3', ['-c', 'import os, sys; fd = os.open(sys.argv[1], os.O_WRONLY); os.posix_fallocate(fd, 0, 4096); os.close(fd)', p]);
  t.is(mode(p), 0o4777);
});

test('S_ISUID set elsewhere after the mount last saw the file is still cleared by the next write', async (t) => {
  const { mnt, brick } = await mountDemo(t, 'attribute-timeout=5,entry-timeout=5');
  const p = made(mnt, 'f', 0o777);
  t.is(mode(p), 0o777); // the kernel and the mount now hold a mode without S_ISUID
  fs.chmodSync(join(brick, 'f'), 0o4777); // another client, straight on the brick
  await asNobody(WRITE, p);
  t.is(mode(join(brick, 'f')), 0o777);
});

test('bits the mount knows of are cleared before the write lands, not after', async (t) => {
  const { mnt, brick } = await mountDemo(t);
  const p = made(mnt, 'f', 0o4777); // the chmod went through the mount: it knows the bit
  const { stdout: hex } = await exec('getfattr', ['-n', 'trusted.gfid', '-e', 'hex', join(brick, 'f')]);
  const g = /trusted.gfid=0x([0-9a-f]{32})/.exec(hex)![1]!;
  const gfid = `${g.slice(0, 8)}-${g.slice(8, 12)}-${g.slice(12, 16)}-${g.slice(16, 20)}-${g.slice(20)}`;
  // The brick opens files by their gfid handle: inotify on the handle's directory sees the
  // brick's own chmod (IN_ATTRIB) and write (IN_MODIFY), in order.
  const watch = [
    'import ctypes, os, struct, subprocess, sys, time',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'fd = libc.inotify_init1(os.O_NONBLOCK)',
    'assert libc.inotify_add_watch(fd, sys.argv[1].encode(), 0x2 | 0x4) >= 0',
    `subprocess.run(['python3', '-c', ${JSON.stringify(`import os, sys; p = sys.argv[1]; ${WRITE}`)}, sys.argv[3]], user=${NOBODY}, group=${NOBODY}, check=True)`,
    'time.sleep(0.2)',
    'buf, pos, out = os.read(fd, 65536), 0, []',
    'while pos < len(buf):',
    '    wd, mask, cookie, ln = struct.unpack_from("iIII", buf, pos)',
    '    if buf[pos + 16:pos + 16 + ln].split(b"\\0")[0].decode() == sys.argv[2]: out.append("attrib" if mask & 0x4 else "modify")',
    '    pos += 16 + ln',
    'print(" ".join(out))',
  ].join('\n');
  const { stdout } = await exec('python3', ['-c', watch, join(brick, '.glusterfs', g.slice(0, 2), g.slice(2, 4)), gfid, p]);
  t.regex(stdout.trim(), /^attrib( attrib)* modify/, stdout);
  t.is(mode(join(brick, 'f')), 0o777);
});
