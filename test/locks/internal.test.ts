import test from 'ava';
import { setLogSink } from '../../runtime/log/logger.js';
import { Dict } from '../../runtime/core/dict.js';
import { E, FopError } from '../../runtime/core/fop-error.js';
import type { Frame } from '../../runtime/core/frame.js';
import type { Loc } from '../../runtime/core/loc.js';
import { EAGAIN, F_SETLK, F_SETLKW, locksGraph, RD, state, UN, WR, type LocksEnv } from './fixtures/graph.js';

const LOCK = 0;
const UNLOCK = 1;
const LOCK_NB = 2;

function inodelk(env: LocksEnv, frame: Frame, loc: Loc, domain: string, cmd: number, type: number, start = 0, len = 0) {
  return env.g.fops.inodelk(frame, { volume: domain, loc, cmd, flock: { type, whence: 0, start: BigInt(start), len: BigInt(len), pid: frame.pid, owner: frame.lkOwner } });
}

function entrylk(env: LocksEnv, frame: Frame, loc: Loc, domain: string, name: string | undefined, cmd: number, type = WR) {
  return env.g.fops.entrylk(frame, { volume: domain, loc, basename: name, cmd, type });
}

test('inodelk domains are independent', async (t) => {
  const env = await locksGraph(t);
  await env.open('/f');
  const loc = await env.loc('/f');
  await inodelk(env, env.as('a'), loc, 'vol-replicate-0', F_SETLK, WR);
  await inodelk(env, env.as('b'), loc, 'vol-dht', F_SETLK, WR);
  await t.throwsAsync(inodelk(env, env.as('b'), loc, 'vol-replicate-0', F_SETLK, RD, 0, 1), EAGAIN);
  await inodelk(env, env.as('b'), loc, 'vol-replicate-0:self-heal', F_SETLK, WR);
});

test('inodelks of one owner nest, and an unlock must name a held range', async (t) => {
  const env = await locksGraph(t);
  await env.open('/f');
  const loc = await env.loc('/f');
  const a = env.as('a');
  await inodelk(env, a, loc, 'd', F_SETLK, WR, 0, 0);
  await inodelk(env, a, loc, 'd', F_SETLK, WR, 0, 128);
  await t.throwsAsync(inodelk(env, a, loc, 'd', F_SETLK, UN, 0, 64), { code: 'EINVAL' });
  await inodelk(env, a, loc, 'd', F_SETLK, UN, 0, 128);
  await t.throwsAsync(inodelk(env, env.as('b'), loc, 'd', F_SETLK, RD, 500, 1), EAGAIN, 'the whole-file lock is still held');
  await inodelk(env, a, loc, 'd', F_SETLK, UN, 0, 0);
  await inodelk(env, env.as('b'), loc, 'd', F_SETLK, RD, 500, 1);
  await t.throwsAsync(env.g.fops.inodelk(a, { volume: 'd', loc, cmd: 5, flock: { type: RD, whence: 0, start: 0n, len: 0n, pid: 0, owner: a.lkOwner } }), { code: new FopError(E.ENOTSUP).code });
});

test('a blocked inodelk holds back later conflicting requests, so waiters are granted in order', async (t) => {
  const env = await locksGraph(t);
  await env.open('/f');
  const loc = await env.loc('/f');
  await inodelk(env, env.as('r1'), loc, 'd', F_SETLK, RD, 0, 10);
  const writer = inodelk(env, env.as('w'), loc, 'd', F_SETLKW, WR, 0, 10);
  t.is(await state(writer), 'pending');
  await t.throwsAsync(inodelk(env, env.as('r2'), loc, 'd', F_SETLK, RD, 0, 10), EAGAIN, 'a reader may not overtake the blocked writer');
  const r3 = inodelk(env, env.as('r3'), loc, 'd', F_SETLKW, RD, 5, 1);
  await inodelk(env, env.as('r1'), loc, 'd', F_SETLK, RD, 100, 1);
  t.is(await state(r3), 'pending');
  const locks = Object.values(env.dump().locks)[0]!['inodelk domain d']!;
  t.is(locks.granted.length, 2);
  t.is(locks.blocked.length, 2);
  await inodelk(env, env.as('r1'), loc, 'd', F_SETLK, UN, 0, 10);
  t.is(await state(writer), 'fulfilled');
  t.is(await state(r3), 'pending');
  await inodelk(env, env.as('w'), loc, 'd', F_SETLK, UN, 0, 10);
  t.is(await state(r3), 'fulfilled');
});

test('an owner that already holds a lock may nest past blocked waiters', async (t) => {
  const env = await locksGraph(t);
  await env.open('/f');
  const loc = await env.loc('/f');
  const shd1 = env.as('shd1');
  await inodelk(env, shd1, loc, 'd', F_SETLK, WR, 0, 0);
  const shd2 = inodelk(env, env.as('shd2'), loc, 'd', F_SETLKW, WR, 0, 0);
  await inodelk(env, shd1, loc, 'd', F_SETLK, WR, 0, 131072);
  t.is(await state(shd2), 'pending');
});

test('a cancelled inodelk wait fails with EINTR and no longer holds others back', async (t) => {
  const env = await locksGraph(t);
  await env.open('/f');
  const loc = await env.loc('/f');
  await inodelk(env, env.as('r'), loc, 'd', F_SETLK, RD, 0, 0);
  const ac = new AbortController();
  const w = inodelk(env, env.as('w', 'client-a', ac.signal), loc, 'd', F_SETLKW, WR, 0, 0);
  const r2 = inodelk(env, env.as('r2'), loc, 'd', F_SETLKW, RD, 0, 0);
  t.is(await state(r2), 'pending');
  ac.abort();
  await t.throwsAsync(w, { code: 'EINTR' });
  t.is(await state(r2), 'fulfilled');
});

test('disconnect releases inodelks and entrylks of the client and wakes the waiters', async (t) => {
  const env = await locksGraph(t);
  await env.open('/f');
  const loc = await env.loc('/f');
  const root = await env.loc('/');
  await inodelk(env, env.as('a', 'afr-client'), loc, 'd', F_SETLK, WR);
  await entrylk(env, env.as('a', 'afr-client'), root, 'd', 'f', LOCK);
  const wi = inodelk(env, env.as('b', 'other'), loc, 'd', F_SETLKW, WR);
  const we = entrylk(env, env.as('b', 'other'), root, 'd', undefined, LOCK);
  const mine = inodelk(env, env.as('c', 'afr-client'), loc, 'd', F_SETLKW, RD);
  await env.g.graph.clientDisconnect('afr-client');
  await t.throwsAsync(mine, EAGAIN);
  t.is(await state(wi), 'fulfilled');
  t.is(await state(we), 'fulfilled');
});

test('entrylk: a name lock conflicts with the same name and with an all-names lock, not with other names', async (t) => {
  const env = await locksGraph(t);
  const dir = await env.loc('/');
  await entrylk(env, env.as('a'), dir, 'd', 'x', LOCK_NB);
  await entrylk(env, env.as('b'), dir, 'd', 'y', LOCK_NB);
  await t.throwsAsync(entrylk(env, env.as('b'), dir, 'd', 'x', LOCK_NB), EAGAIN);
  await t.throwsAsync(entrylk(env, env.as('b'), dir, 'd', 'x', LOCK_NB, RD), EAGAIN, 'entrylk types do not share');
  await t.throwsAsync(entrylk(env, env.as('c'), dir, 'd', undefined, LOCK_NB), EAGAIN);
  await entrylk(env, env.as('c'), dir, 'other-domain', undefined, LOCK_NB);
  const all = entrylk(env, env.as('c'), dir, 'd', undefined, LOCK);
  t.is(await state(all), 'pending');
  await t.throwsAsync(entrylk(env, env.as('a'), dir, 'd', 'x', UNLOCK, RD), { code: 'EINVAL' }, 'the type must match on unlock');
  await entrylk(env, env.as('a'), dir, 'd', 'x', UNLOCK);
  t.is(await state(all), 'pending');
  await entrylk(env, env.as('b'), dir, 'd', 'y', UNLOCK);
  t.is(await state(all), 'fulfilled');
  await t.throwsAsync(entrylk(env, env.as('a'), dir, 'd', 'z', LOCK_NB), EAGAIN, 'the all-names lock covers every name');
  await t.throwsAsync(entrylk(env, env.as('a'), dir, 'd', 'z', 9), { code: 'EINVAL' });
});

test('fentrylk and finodelk lock through an fd', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  const loc = await env.loc('/f');
  const a = env.as('a');
  await env.g.fops.finodelk(a, { volume: 'd', fd, cmd: F_SETLK, flock: { type: WR, whence: 0, start: 0n, len: 0n, pid: 1, owner: a.lkOwner } });
  await t.throwsAsync(inodelk(env, env.as('b'), loc, 'd', F_SETLK, WR), EAGAIN);
  await env.g.fops.fentrylk(a, { volume: 'd', fd, basename: 'n', cmd: LOCK_NB, type: WR });
  await t.throwsAsync(entrylk(env, env.as('b'), loc, 'd', 'n', LOCK_NB), EAGAIN);
});

test('lookup answers the lock counts it is asked for in xdata, and the keys do not reach storage', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  const floc = await env.loc('/f');
  const root = await env.loc('/');
  await inodelk(env, env.as('a'), floc, 'vol-replicate-0', F_SETLK, WR);
  await inodelk(env, env.as('b'), floc, 'vol-dht', F_SETLK, RD);
  const waiting = inodelk(env, env.as('c'), floc, 'vol-dht', F_SETLKW, WR);
  await env.lk(env.as('a'), fd, F_SETLK, WR, 0, 10);
  await entrylk(env, env.as('a'), root, 'vol-dht', 'f', LOCK);
  const ask = () =>
    new Dict().setInt('glusterfs.inodelk-count', 1).setInt('glusterfs.entrylk-count', 1).setInt('glusterfs.posixlk-count', 1).setInt('glusterfs.parent-entrylk', 1);
  const loc = { path: '/f', name: 'f', parent: root.inode, pargfid: root.gfid, inode: env.g.graph.itable.create() };
  const res = await env.g.fops.lookup(env.g.frame(), { loc, xdata: ask() });
  t.is(res.xdata?.getInt('glusterfs.inodelk-count'), 3n, 'granted and blocked, all domains');
  t.is(res.xdata?.getInt('glusterfs.posixlk-count'), 1n);
  t.is(res.xdata?.getInt('glusterfs.entrylk-count'), 0n);
  t.is(res.xdata?.getInt('glusterfs.parent-entrylk'), 1n);
  const dom = await env.g.fops.lookup(env.g.frame(), { loc, xdata: new Dict().setStr('glusterfs.inodelk-dom-count', 'vol-dht') });
  t.is(dom.xdata?.getInt('glusterfs.inodelk-count'), 2n);
  const multi = new Dict().setInt('glusterfs.multi-dom-lk-cnt-req', 1).setInt('glusterfs.inodelk-dom-prefix:vol-replicate-0', 1).setInt('glusterfs.inodelk-dom-prefix:none', 1);
  const m = await env.g.fops.fstat(env.g.frame(), { fd, xdata: multi });
  t.is(m.xdata?.getInt('glusterfs.inodelk-dom-prefix:vol-replicate-0'), 1n);
  t.is(m.xdata?.getInt('glusterfs.inodelk-dom-prefix:none'), 0n);
  const rootRes = await env.g.fops.lookup(env.g.frame(), { loc: root, xdata: ask() });
  t.is(rootRes.xdata?.getInt('glusterfs.entrylk-count'), 1n);
  t.is(await state(waiting), 'pending');
});

test('readdirp answers the counts per entry', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  await env.lk(env.as('a'), fd, F_SETLK, RD, 0, 0);
  const { loc } = await env.g.lookup('/');
  const { Fd } = await import('../../runtime/core/fd.js');
  const dfd = new Fd(loc.inode!, 0);
  await env.g.fops.opendir(env.g.frame(), { loc, fd: dfd });
  t.teardown(() => env.g.graph.release(dfd, true));
  const { entries } = await env.g.fops.readdirp(env.g.frame(), { fd: dfd, size: 4096, offset: 0n, xdata: new Dict().setInt('glusterfs.posixlk-count', 1) });
  const f = entries.find((e) => e.name === 'f');
  t.is(f?.dict?.getInt('glusterfs.posixlk-count'), 1n);
});

test('volfile options of GlusterFS validate, and trace logs requests', async (t) => {
  const env = await locksGraph(t, {
    'mandatory-locking': 'off', trace: 'on', 'monkey-unlocking': 'false', 'revocation-secs': '0', 'revocation-clear-all': 'false',
    'revocation-max-blocked': '0', 'notify-contention': 'yes', 'notify-contention-delay': '5', 'enforce-mandatory-lock': 'off',
  });
  const fd = await env.open('/f');
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  try {
    await env.lk(env.as('a'), fd, F_SETLK, WR, 0, 0);
  } finally {
    setLogSink(previous);
  }
  t.true(lines.some((l) => /\[.*\] I \[.*\] lk \w+ fcntl gfid=[0-9a-f-]{36} type=1 0-/.test(l)), `logged: ${lines.join(' | ')}`);
});

test('revocation-max-blocked revokes the granted inodelks once that many requests wait', async (t) => {
  const env = await locksGraph(t, { 'revocation-secs': '3600', 'revocation-max-blocked': '2', 'revocation-clear-all': 'false' });
  await env.open('/f');
  const loc = await env.loc('/f');
  await inodelk(env, env.as('stuck'), loc, 'd', F_SETLK, WR);
  const w1 = inodelk(env, env.as('w1'), loc, 'd', F_SETLKW, WR);
  const w2 = inodelk(env, env.as('w2'), loc, 'd', F_SETLKW, WR);
  t.is(await state(w1), 'pending');
  const w3 = inodelk(env, env.as('w3'), loc, 'd', F_SETLKW, WR);
  t.is(await state(w1), 'fulfilled', 'the stuck lock was revoked and the oldest waiter got it');
  t.is(await state(w2), 'pending');
  t.is(await state(w3), 'pending');
});

test('graph teardown fails blocked requests with ENOTCONN instead of leaving them parked', async (t) => {
  const env = await locksGraph(t);
  const fd = await env.open('/f');
  await env.lk(env.as('a'), fd, F_SETLK, WR, 0, 0);
  const w = env.lk(env.as('b'), fd, F_SETLKW, WR, 0, 0);
  t.is(await state(w), 'pending');
  const stopping = env.g.stop();
  await t.throwsAsync(w, { code: 'ENOTCONN' });
  await stopping;
});
