import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { constants } from 'node:os';
import { NO_DICT, NULL, ROOT, RawClient, startBrick } from './helpers.js';

const E = constants.errno;

/** After a refused SETVOLUME, nothing on the brick is reachable from that connection. */
async function nothingReachable(t: import('ava').ExecutionContext, c: RawClient): Promise<void> {
  const r = await c.call('lookup', { gfid: NULL, pargfid: ROOT, flags: 0, bname: 'secret', xdata: NO_DICT });
  t.is(r.value.op_ret, -1);
  t.is(r.value.op_errno, E.ENOTCONN);
  const rd = await c.call('readv', { gfid: ROOT, fd: -2n, offset: 0n, size: 100, flag: 0, xdata: NO_DICT });
  t.is(rd.value.op_ret, -1);
}

const login = { 'auth.login.b-posix.allow': 'alice', 'auth.login.alice.password': 's3cret' };

test('a wrong password fails the handshake and reaches no data', async (t) => {
  const b = await startBrick(t, login);
  fs.writeFileSync(path.join(b.dir, 'secret'), 'x');
  const c = await RawClient.connect(t, b.addr);
  const r = await c.setvolume({ 'remote-subvolume': 'b-posix', username: 'alice', password: 'guess' });
  t.is(r.op_ret, -1);
  t.is(r.op_errno, E.EACCES);
  t.is(r.dict?.getStr('ERROR'), 'Authentication failed');
  await nothingReachable(t, c);
  const ok = await RawClient.connect(t, b.addr);
  t.is((await ok.setvolume({ 'remote-subvolume': 'b-posix', username: 'alice', password: 's3cret' })).op_ret, 0);
});

test('strict-auth-accept refuses a client that sends no credentials', async (t) => {
  const b = await startBrick(t, { ...login, 'strict-auth-accept': 'on' });
  const c = await RawClient.connect(t, b.addr);
  t.is((await c.setvolume({ 'remote-subvolume': 'b-posix' })).op_ret, -1);
  await nothingReachable(t, c);
});

test('a rejected address fails the handshake and reaches no data', async (t) => {
  const b = await startBrick(t, { 'auth.addr.b-posix.reject': '127.0.0.*' });
  fs.writeFileSync(path.join(b.dir, 'secret'), 'x');
  const c = await RawClient.connect(t, b.addr);
  const r = await c.setvolume({ 'remote-subvolume': 'b-posix' });
  t.is(r.op_ret, -1);
  t.is(r.dict?.getStr('ERROR'), 'Authentication failed');
  await nothingReachable(t, c);
});

test('an address outside the allow list is refused', async (t) => {
  const b = await startBrick(t, { 'auth.addr.b-posix.allow': '10.9.9.9' });
  const c = await RawClient.connect(t, b.addr);
  t.is((await c.setvolume({ 'remote-subvolume': 'b-posix' })).op_ret, -1);
  await nothingReachable(t, c);
});

test('the server listens on a unix socket and removes it when it stops', async (t) => {
  const dir = fs.mkdtempSync('/tmp/gfs-psrv-sock-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sock = path.join(dir, 'brick.sock');
  const b = await startBrick(t, { 'transport-type': 'unix', 'transport.address-family': 'unix', 'transport.socket.listen-path': sock });
  t.deepEqual(b.addr, { path: sock });
  const c = await RawClient.connect(t, b.addr);
  t.is((await c.setvolume({ 'remote-subvolume': 'b-posix' })).op_ret, 0);
  const r = await c.call('lookup', { gfid: ROOT, pargfid: NULL, flags: 0, bname: '', xdata: NO_DICT });
  t.is(r.value.op_ret, 0);
  c.conn.close();
  await b.graph.teardown();
  t.false(fs.existsSync(sock));
});
