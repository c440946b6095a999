/**
 * Listings through gfs-mount: the kernel asks for as many READDIRPLUS records as the caller's
 * buffer holds (glibc: 32 KiB; one page on older kernels), the mount asks the volume for
 * `readdir-size` bytes of entries and answers the kernel's next requests from what it holds,
 * for a listing that continues within a second.
 */
import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mountMemoryLogging, type Env } from './fixtures/harness.js';

const exec = promisify(execFile);

interface Call {
  offset: number;
  size: number;
  entries: number;
}

async function mountMemory(t: ExecutionContext, more = ''): Promise<{ env: Env; calls: () => Call[] }> {
  const { env, lines } = await mountMemoryLogging(t, 'readdir-log', more);
  const calls = () =>
    lines().map((l) => {
      const [offset, size, entries] = l.split(' ').map(Number);
      return { offset: offset!, size: size!, entries: entries! };
    });
  return { env, calls };
}

const names = Array.from({ length: 600 }, (_, i) => `entry-${i}`);

function fill(dir: string): void {
  fs.mkdirSync(dir);
  for (const n of names) fs.writeFileSync(join(dir, n), '');
}

test('a listing of 600 names asks the volume for 128 KiB of entries at a time and gets every name once', async (t) => {
  const { env, calls } = await mountMemory(t);
  fill(join(env.mnt, 'd'));
  const before = calls().length;
  const got = fs.readdirSync(join(env.mnt, 'd'));
  t.deepEqual([...got].sort(), [...names].sort());
  const listing = calls().slice(before);
  t.true(listing.every((c) => c.size === 128 * 1024), JSON.stringify(listing));
  // 602 entries of ~225 bytes: two answers, the second saying it is the last (no empty third)
  t.is(listing.length, 2, JSON.stringify(listing));
  t.is(listing.reduce((n, c) => n + c.entries, 0), 602);
});

test('a small directory is listed with one call to the volume, the one that says it ends', async (t) => {
  const { env, calls } = await mountMemory(t);
  const dir = join(env.mnt, 'small');
  fs.mkdirSync(dir);
  for (const n of ['a', 'b', 'c']) fs.writeFileSync(join(dir, n), '');
  for (let round = 0; round < 3; round++) {
    const before = calls().length;
    t.deepEqual(fs.readdirSync(dir).sort(), ['a', 'b', 'c']);
    t.is(calls().length - before, 1, JSON.stringify(calls().slice(before)));
  }
});

test('while the kernel takes one batch the next is already asked of the volume', async (t) => {
  const { env, calls } = await mountMemory(t);
  const dir = join(env.mnt, 'd');
  fill(dir);
  const before = calls().length;
  // Only the first kernel request (32 KiB: far fewer than the ~580 entries the volume sent).
  const py = [
    'import ctypes, os, sys, time',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)',
    'buf = ctypes.create_string_buffer(32768)',
    'assert libc.syscall(217, fd, buf, 32768) > 0',
    'time.sleep(0.3)',
  ].join('\n');
  await exec('python3', ['-c', py, dir]);
  const listing = calls().slice(before);
  t.is(listing.length, 2, JSON.stringify(listing));
  t.is(listing[1]!.offset, listing[0]!.entries, 'the second batch continues where the first ended');
});

test('with readdir-size=4KB the volume is asked for what the kernel asks, a call per kernel request', async (t) => {
  const { env, calls } = await mountMemory(t, 'readdir-size=4KB');
  fill(join(env.mnt, 'd'));
  const before = calls().length;
  t.deepEqual(fs.readdirSync(join(env.mnt, 'd')).sort(), [...names].sort());
  const listing = calls().slice(before);
  t.true(listing.every((c) => c.size >= 4096 && c.size <= 32768), JSON.stringify(listing));
  // 602 entries of ~225 bytes in at most 32 KiB per call
  t.true(listing.length >= 5, JSON.stringify(listing));
});

test('a listing continued more than a second later reads the volume again and sees names created meanwhile', async (t) => {
  const { env, calls } = await mountMemory(t);
  const dir = join(env.mnt, 'd');
  fill(dir);
  const before = calls().length;
  // One getdents64 is one kernel request: read one, wait, create a name, read the rest.
  const py = [
    'import ctypes, os, sys, time',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)',
    'buf = ctypes.create_string_buffer(32768)',
    'def page():',
    '    n = libc.syscall(217, fd, buf, 32768)',
    '    assert n >= 0, ctypes.get_errno()',
    '    out, pos = [], 0',
    '    while pos < n:',
    '        reclen = int.from_bytes(buf.raw[pos + 16:pos + 18], "little")',
    '        out.append(buf.raw[pos + 19:pos + reclen].split(b"\\0")[0].decode())',
    '        pos += reclen',
    '    return out',
    'first = page()',
    'time.sleep(1.3)',
    'open(os.path.join(sys.argv[1], "late"), "w").close()',
    'rest = []',
    'while True:',
    '    p = page()',
    '    if not p: break',
    '    rest += p',
    'print(len(first), len(rest))',
    'print("\\n".join(first + rest))',
  ].join('\n');
  const { stdout } = await exec('python3', ['-c', py, dir]);
  const [counts, ...listed] = stdout.trim().split('\n');
  const [first] = counts!.split(' ').map(Number);
  t.true(first! > 0 && first! < 602, counts);
  const got = listed.filter((n) => n !== '.' && n !== '..');
  t.deepEqual([...got].sort(), [...names, 'late'].sort());
  // The kept entries had aged out: the volume was asked again where the first piece ended
  // (memory volume offsets count entries, `.` and `..` included).
  const listing = calls().slice(before);
  t.true(listing.some((c) => c.offset === first), JSON.stringify(listing));
});
