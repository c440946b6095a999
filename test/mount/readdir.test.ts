/**
 * Listings through gfs-mount: the kernel asks for as many READDIRPLUS records as the caller's
 * buffer holds (glibc: 32 KiB; one page on older kernels), the mount asks the volume for
 * `readdir-size` bytes of entries and answers the kernel's next requests from what it holds,
 * for a listing that continues within a second. The tests of names removed while a listing runs
 * turn the kernel's listing cache off (readdir-cache, readdir-cache.test.ts): what they check is
 * the mount's own handling of the entries it holds.
 */
import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mountDemoVolume, mountMemoryLogging, type Env } from './fixtures/harness.js';

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

test('with readdir-cache off a small directory is listed with one call to the volume, the one that says it ends, every time', async (t) => {
  const { env, calls } = await mountMemory(t, 'readdir-cache=off');
  const dir = join(env.mnt, 'small');
  fs.mkdirSync(dir);
  for (const n of ['a', 'b', 'c']) fs.writeFileSync(join(dir, n), '');
  for (let round = 0; round < 3; round++) {
    const before = calls().length;
    t.deepEqual(fs.readdirSync(dir).sort(), ['a', 'b', 'c']);
    t.is(calls().length - before, 1, JSON.stringify(calls().slice(before)));
  }
});

/** getdents64 on one fd of `dir` in 32 KiB pieces: up to `pages` pieces (until one is empty), pausing after each; python prints the names. */
function pagesScript(pages: number, between = ''): string {
  return [
    'import ctypes, os, sys, time',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)',
    'buf = ctypes.create_string_buffer(32768)',
    'names = []',
    `for k in range(${pages}):`,
    '    n = libc.syscall(217, fd, buf, 32768)',
    '    assert n >= 0, ctypes.get_errno()',
    '    if n == 0: break  # the end, as readdir(3) takes it',
    '    pos = 0',
    '    while pos < n:',
    '        reclen = int.from_bytes(buf.raw[pos + 16:pos + 18], "little")',
    '        names.append(buf.raw[pos + 19:pos + reclen].split(b"\\0")[0].decode())',
    '        pos += reclen',
    '    time.sleep(0.2)',
    `    ${between || 'pass'}`,
    'print("\\n".join(names))',
  ].join('\n');
}

/** The memory volume's calls while a filled directory is read `pages` kernel requests far. */
async function callsForPages(t: ExecutionContext, pages: number): Promise<Call[]> {
  const { env, calls } = await mountMemory(t);
  const dir = join(env.mnt, 'd');
  fill(dir);
  const before = calls().length;
  await exec('python3', ['-c', pagesScript(pages), dir]);
  return calls().slice(before);
}

test('a listing that stops after its first request asks the volume for nothing more', async (t) => {
  const listing = await callsForPages(t, 1);
  t.is(listing.length, 1, JSON.stringify(listing));
});

test('once a listing goes on, the next batch is asked of the volume while the kernel takes this one', async (t) => {
  // Two kernel requests of 32 KiB: both from the first batch of ~580 entries.
  const listing = await callsForPages(t, 2);
  t.is(listing.length, 2, JSON.stringify(listing));
  t.is(listing[1]!.offset, listing[0]!.entries, 'the second batch continues where the first ended');
});

test('a name unlinked through the mount while a listing runs is not handed out from what was read before', async (t) => {
  // A posix brick: its offsets (the kernel's d_off cookies) stay valid across unlinks.
  const { env } = await mountDemoVolume(t, 'readdir-cache=off');
  const dir = join(env.mnt, 'd');
  fill(dir);
  // After the first page (about 145 names of the ~580 the volume sent), unlink every name not
  // listed yet whose number ends in 7: most are in the batch the mount holds.
  const py = pagesScript(
    8,
    'if k == 0:\n        seen = set(names)\n        for x in os.listdir(sys.argv[1]):\n            if x.endswith("7") and x not in seen: os.unlink(os.path.join(sys.argv[1], x))\n        print("\\n".join("-" + x for x in sorted(set(names))))',
  );
  const { stdout } = await exec('python3', ['-c', py, dir]);
  const lines = stdout.trim().split('\n');
  const firstPage = new Set(lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1)));
  const listed = lines.filter((l) => !l.startsWith('-') && l !== '.' && l !== '..');
  const gone = names.filter((n) => n.endsWith('7') && !firstPage.has(n));
  t.true(gone.length > 30, `${gone.length} names unlinked`);
  for (const name of gone) t.false(listed.includes(name), `${name} was listed after its unlink`);
  t.is(new Set(listed).size, listed.length, 'no name twice');
  t.deepEqual([...listed].sort(), names.filter((n) => !gone.includes(n)).sort());
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

/**
 * Python that reads the directory argv[1] (`d`) one getdents64 at a time: `page()` is one kernel
 * request's (name, inode) pairs, empty at the end.
 */
const GETDENTS_PAGE = [
  'import ctypes, os, sys',
  'libc = ctypes.CDLL(None, use_errno=True)',
  'd = sys.argv[1]',
  'fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)',
  'buf = ctypes.create_string_buffer(32768)',
  'def page():',
  '    n = libc.syscall(217, fd, buf, 32768)',
  '    assert n >= 0, ctypes.get_errno()',
  '    out, pos = [], 0',
  '    while pos < n:',
  '        ino = int.from_bytes(buf.raw[pos:pos + 8], "little")',
  '        reclen = int.from_bytes(buf.raw[pos + 16:pos + 18], "little")',
  '        out.append((buf.raw[pos + 19:pos + reclen].split(b"\\0")[0].decode(), ino))',
  '        pos += reclen',
  '    return out',
].join('\n');

test('a listing continued more than a second later reads the volume again and sees names created meanwhile', async (t) => {
  const { env, calls } = await mountMemory(t);
  const dir = join(env.mnt, 'd');
  fill(dir);
  const before = calls().length;
  // One getdents64 is one kernel request: read one, wait, create a name, read the rest.
  const py = [
    GETDENTS_PAGE,
    'import time',
    'first = [n for n, _ in page()]',
    'time.sleep(1.3)',
    'open(os.path.join(d, "late"), "w").close()',
    'rest = []',
    'while True:',
    '    p = page()',
    '    if not p: break',
    '    rest += [n for n, _ in p]',
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

test('a listing goes on past a held batch whose remaining names this mount all removed', async (t) => {
  const { env } = await mountDemoVolume(t, 'readdir-cache=off');
  const dir = join(env.mnt, 'big');
  fs.mkdirSync(dir);
  const many = Array.from({ length: 1000 }, (_, i) => `entry-${i}`);
  for (const n of many) fs.writeFileSync(join(dir, n), '');
  // The first page holds about 145 names of the ~580 the volume sends in its first batch; unlink
  // the next 555 in listing order, all the rest of that batch, then read on.
  const py = pagesScript(
    12,
    'if k == 0:\n        seen = set(names)\n        order = [x for x in os.listdir(sys.argv[1]) if x not in seen]\n        for x in order[:555]: os.unlink(os.path.join(sys.argv[1], x))\n        print("\\n".join("-" + x for x in order[:555]))',
  );
  const { stdout } = await exec('python3', ['-c', py, dir]);
  const lines = stdout.trim().split('\n');
  const gone = new Set(lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1)));
  const listed = lines.filter((l) => !l.startsWith('-') && l !== '.' && l !== '..');
  t.is(gone.size, 555);
  t.deepEqual([...listed].sort(), many.filter((n) => !gone.has(n)).sort());
});

test('a name a rename replaced while a listing runs is not handed out with the file it replaced', async (t) => {
  const { env } = await mountDemoVolume(t, 'readdir-cache=off');
  const dir = join(env.mnt, 'd');
  fill(dir);
  const py = [
    GETDENTS_PAGE,
    'first = page()',
    'seen = {n for n, _ in first}',
    'rest = [x for x in os.listdir(d) if x not in seen and x.startswith("entry-")]',
    '# Every pair of names not listed yet: the first replaces the second.',
    'replaced = {}',
    'for a, b in zip(rest[0::2], rest[1::2]):',
    '    replaced[b] = os.stat(os.path.join(d, b)).st_ino',
    '    os.rename(os.path.join(d, a), os.path.join(d, b))',
    'stale = []',
    'while True:',
    '    p = page()',
    '    if not p: break',
    '    stale += [n for n, ino in p if replaced.get(n) == ino]',
    'print(len(replaced), " ".join(stale))',
  ].join('\n');
  const { stdout } = await exec('python3', ['-c', py, dir]);
  const [count, ...stale] = stdout.trim().split(/\s+/);
  t.true(Number(count) > 100, stdout);
  t.deepEqual(stale, [], 'names listed with the inode of the file a rename replaced');
});

