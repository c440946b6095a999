import test from 'ava';
import { EAGAIN, F_GETLK, F_SETLK, F_SETLKW, locksGraph, RD, state, UN, WR } from './fixtures/graph.js';

test('a conflicting F_SETLK fails with EAGAIN and F_GETLK names the holder', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  const a = env.as('owner-a', 'client-a', undefined, 11);
  const b = env.as('owner-b', 'client-a', undefined, 22);
  await env.lk(a, fd, F_SETLK, WR, 0, 100);
  await t.throwsAsync(env.lk(b, fd, F_SETLK, RD, 50, 10), EAGAIN);
  const got = await env.lk(b, fd, F_GETLK, RD, 50, 10);
  t.is(got.type, WR);
  t.is(got.start, 0n);
  t.is(got.len, 100n);
  t.is(got.pid, 11);
  t.deepEqual(got.owner, Buffer.from('owner-a'));
  const free = await env.lk(b, fd, F_GETLK, WR, 100, 0);
  t.is(free.type, UN, 'no conflict past the held range');
  await env.lk(b, fd, F_SETLK, WR, 100, 0);
});

test('the same lock owner on two clients is two owners', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  await env.lk(env.as('same', 'client-a'), fd, F_SETLK, WR, 0, 0);
  await t.throwsAsync(env.lk(env.as('same', 'client-b'), fd, F_SETLK, WR, 0, 1), EAGAIN);
  await env.lk(env.as('same', 'client-a'), fd, F_SETLK, WR, 0, 1);
});

test('blocked F_SETLKW requests are granted in order once the conflict clears', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  const holder = env.as('holder');
  await env.lk(holder, fd, F_SETLK, WR, 0, 0);
  const order: string[] = [];
  const w1 = env.lk(env.as('w1'), fd, F_SETLKW, WR, 0, 10).then(() => order.push('w1'));
  const w2 = env.lk(env.as('w2'), fd, F_SETLKW, RD, 100, 10).then(() => order.push('w2'));
  t.is(await state(w1), 'pending');
  t.is(await state(w2), 'pending');
  const dump = Object.values(env.dump().locks)[0]!;
  t.is(dump.posixlk!.granted.length, 1);
  t.is(dump.posixlk!.blocked.length, 2, 'the dump shows both waiters');
  t.regex(dump.posixlk!.blocked[0]!, /type=F_WRLCK, start=0, len=10/);
  await env.lk(holder, fd, F_SETLK, UN, 0, 0);
  await Promise.all([w1, w2]);
  t.deepEqual(order, ['w1', 'w2']);
  await t.throwsAsync(env.lk(holder, fd, F_SETLK, RD, 0, 1), EAGAIN);
});

test('unlocking part of a range wakes only the waiters it no longer blocks', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  const holder = env.as('holder');
  await env.lk(holder, fd, F_SETLK, WR, 0, 100);
  const low = env.lk(env.as('low'), fd, F_SETLKW, WR, 10, 10);
  const high = env.lk(env.as('high'), fd, F_SETLKW, WR, 80, 10);
  await env.lk(holder, fd, F_SETLK, UN, 0, 50);
  t.is(await state(low), 'fulfilled');
  t.is(await state(high), 'pending');
  await env.lk(holder, fd, F_SETLK, RD, 50, 50);
  t.is(await state(high), 'pending', 'a downgrade to read still blocks a writer');
  await env.lk(holder, fd, F_SETLK, UN, 0, 0);
  t.is(await state(high), 'fulfilled');
});

test('a downgrade lets blocked readers in', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  const holder = env.as('holder');
  await env.lk(holder, fd, F_SETLK, WR, 0, 0);
  const reader = env.lk(env.as('reader'), fd, F_SETLKW, RD, 0, 0);
  t.is(await state(reader), 'pending');
  await env.lk(holder, fd, F_SETLK, RD, 0, 0);
  t.is(await state(reader), 'fulfilled');
});

test('an upgrade of one owner splits its read lock and merges back on downgrade', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  const a = env.as('a');
  await env.lk(a, fd, F_SETLK, RD, 0, 100);
  await env.lk(a, fd, F_SETLK, WR, 40, 20);
  const granted = () => Object.values(env.dump().locks)[0]!.posixlk!.granted;
  t.deepEqual(granted().map((l) => l.replace(/, pid.*/, '')).sort(), [
    'type=F_RDLCK, start=0, len=40', 'type=F_RDLCK, start=60, len=40', 'type=F_WRLCK, start=40, len=20',
  ]);
  await t.throwsAsync(env.lk(env.as('b'), fd, F_SETLK, RD, 45, 1), EAGAIN);
  await env.lk(env.as('b'), fd, F_SETLK, RD, 30, 5);
  await env.lk(a, fd, F_SETLK, RD, 40, 20);
  t.deepEqual(granted().filter((l) => l.includes('owner=client-a/61')).map((l) => l.replace(/, pid.*/, '')), ['type=F_RDLCK, start=0, len=100']);
});

test('a cancelled F_SETLKW fails with EINTR and leaves the queue', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  await env.lk(env.as('holder'), fd, F_SETLK, WR, 0, 0);
  const ac = new AbortController();
  const w = env.lk(env.as('w', 'client-a', ac.signal), fd, F_SETLKW, WR, 0, 0);
  t.is(await state(w), 'pending');
  ac.abort();
  await t.throwsAsync(w, { code: 'EINTR' });
  t.is(Object.values(env.dump().locks)[0]!.posixlk!.blocked.length, 0);
  const already = new AbortController();
  already.abort();
  await t.throwsAsync(env.lk(env.as('x', 'client-a', already.signal), fd, F_SETLKW, WR, 0, 0), { code: 'EINTR' });
});

test('flush drops the flushing owner\'s record locks only; release drops every lock taken through the fd', async (t) => {
  const env = await locksGraph(t);
  const fd1 = await env.open('/f');
  const fd2 = await env.open('/f');
  const a = env.as('a');
  const b = env.as('b');
  await env.lk(a, fd1, F_SETLK, WR, 0, 10);
  await env.lk(b, fd2, F_SETLK, WR, 10, 10);
  await env.lk(a, fd1, F_SETLK, WR, 0, 0, true);
  const waiter = env.lk(env.as('c'), fd2, F_SETLKW, WR, 0, 10);
  await env.g.fops.flush(a, { fd: fd2 });
  t.is(await state(waiter), 'fulfilled', "close(2) of any fd of the file drops the process's locks");
  await t.throwsAsync(env.lk(env.as('c'), fd2, F_SETLK, WR, 0, 0, true), EAGAIN, 'the flock lock survives flush');
  await env.g.graph.release(fd1);
  await env.lk(env.as('c'), fd2, F_SETLK, WR, 0, 0, true);
  await t.throwsAsync(env.lk(env.as('c'), fd2, F_SETLK, WR, 10, 1), EAGAIN, "b's lock through fd2 is still there");
});

test('flock locks and fcntl locks never conflict with each other', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  await env.lk(env.as('a'), fd, F_SETLK, WR, 0, 0, true);
  await env.lk(env.as('b'), fd, F_SETLK, WR, 0, 0);
  await t.throwsAsync(env.lk(env.as('b'), fd, F_SETLK, RD, 0, 0, true), EAGAIN);
  const got = await env.lk(env.as('b'), fd, F_GETLK, RD, 0, 0, true);
  t.is(got.type, WR);
  await env.lk(env.as('a'), fd, F_SETLK, UN, 0, 0, true);
  await env.lk(env.as('b'), fd, F_SETLK, RD, 0, 0, true);
});

test('a client disconnect releases its locks, fails its waiters and wakes the others', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  await env.lk(env.as('a', 'gone'), fd, F_SETLK, WR, 0, 0);
  const other = env.lk(env.as('b', 'stays'), fd, F_SETLKW, WR, 0, 0);
  const mine = env.lk(env.as('c', 'gone'), fd, F_SETLKW, RD, 0, 0);
  t.is(await state(other), 'pending');
  await env.g.graph.clientDisconnect('gone');
  await t.throwsAsync(mine, EAGAIN);
  t.is(await state(other), 'fulfilled');
});

test('bad requests: unknown command, unknown type, negative range', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  await t.throwsAsync(env.lk(env.as('a'), fd, 99, WR, 0, 0), { code: 'EINVAL' });
  await t.throwsAsync(env.lk(env.as('a'), fd, F_SETLK, 7, 0, 0), { code: 'EINVAL' });
  await t.throwsAsync(env.lk(env.as('a'), fd, F_SETLK, WR, 5, -10), { code: 'EINVAL' });
  await env.lk(env.as('a'), fd, F_SETLK, WR, 10, -5);
  const got = await env.lk(env.as('b'), fd, F_GETLK, WR, 0, 0);
  t.is(got.start, 5n);
  t.is(got.len, 5n);
});

test('the locks leave the dump when nothing is held', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  await env.lk(env.as('a'), fd, F_SETLK, WR, 0, 0);
  t.is(env.dump().inodes, 1);
  await env.lk(env.as('a'), fd, F_SETLK, UN, 0, 0);
  t.is(env.dump().inodes, 0);
});
