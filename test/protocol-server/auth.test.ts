import test from 'ava';
import { addressListMatches, authAddr, authenticate, authLogin, ipInNet, unmapAddress, type AuthConfig, type AuthRequest } from '../../xlators/protocol/server/auth.js';

const cfg = (over: Partial<AuthConfig> = {}): AuthConfig => ({
  addrAllow: {}, addrReject: {}, ipAllow: {}, loginAllow: {}, loginPassword: {}, loginSslAllow: {}, allowInsecure: true, strictAuthAccept: false, ...over,
});
const from = (address: string, over: Partial<AuthRequest> = {}): AuthRequest => ({ subvolume: 'v', peer: { family: 'inet', address, port: 50000 }, ...over });
const noDns = async (host: string) => (host === 'client.example' ? ['10.1.2.3'] : Promise.reject(new Error('no such host')));

test('wildcards, CIDRs, exact addresses and host names match as GlusterFS matches them', async (t) => {
  t.true(await addressListMatches(['*'], '10.0.0.1', noDns));
  t.true(await addressListMatches(['192.168.*'], '192.168.7.9', noDns));
  t.false(await addressListMatches(['192.168.*'], '10.168.7.9', noDns));
  t.true(await addressListMatches(['10.0.0.?'], '10.0.0.7', noDns));
  t.true(await addressListMatches(['10.0.0.0/8'], '10.200.1.1', noDns));
  t.false(await addressListMatches(['10.0.0.0/16'], '10.200.1.1', noDns));
  t.true(await addressListMatches(['127.0.0.1'], '127.0.0.1', noDns));
  t.false(await addressListMatches(['127.0.0.2'], '127.0.0.1', noDns));
  t.true(await addressListMatches(['client.example'], '10.1.2.3', noDns));
  t.false(await addressListMatches(['unknown.example'], '10.1.2.3', noDns), 'a name that does not resolve matches nobody');
  t.true(await addressListMatches(['!10.*'], '192.168.0.1', noDns), '! negates a pattern');
  t.false(await addressListMatches(['!10.*'], '10.0.0.1', noDns));
  t.true(ipInNet('0.0.0.0/0', '1.2.3.4'));
  t.is(unmapAddress('::ffff:127.0.0.1'), '127.0.0.1');
  t.is(unmapAddress('::1'), '::1');
});

test('reject is checked before allow', async (t) => {
  const c = cfg({ addrAllow: { v: ['*'] }, addrReject: { v: ['10.0.0.*'] } });
  t.is(await authAddr(c, from('10.0.0.5'), noDns), 'reject');
  t.is(await authAddr(c, from('10.0.1.5'), noDns), 'accept');
  t.is(await authAddr(cfg({ addrReject: { v: ['10.*'] } }), from('192.168.0.1'), noDns), 'dont-care', 'reject alone accepts nobody');
});

test('auth.addr options name the subvolume the client asks for', async (t) => {
  const c = cfg({ addrAllow: { other: ['*'] } });
  t.is(await authAddr(c, from('10.0.0.1'), noDns), 'dont-care');
  t.is((await authenticate(c, from('10.0.0.1'), noDns)).result, 'reject', 'nobody accepting is a refusal');
  t.is(await authAddr(cfg({ ipAllow: { v: ['10.*'] } }), from('10.0.0.1'), noDns), 'accept', 'the old auth.ip spelling still works');
});

test('the sub-directory form only counts the entry of the mounted directory', async (t) => {
  const c = cfg({ addrAllow: { v: ['/(10.0.0.1|10.0.0.2)', '/data(192.168.*)'] } });
  t.is(await authAddr(c, from('10.0.0.2'), noDns), 'accept');
  t.is(await authAddr(c, from('192.168.1.1'), noDns), 'dont-care');
  t.is(await authAddr(c, from('192.168.1.1', { subdir: '/data' }), noDns), 'accept');
});

test('insecure ports are refused when rpc-auth-allow-insecure is off', async (t) => {
  const c = cfg({ addrAllow: { v: ['*'] }, allowInsecure: false });
  t.is(await authAddr(c, from('10.0.0.1'), noDns), 'reject');
  t.is(await authAddr(c, from('10.0.0.1', { peer: { family: 'inet', address: '10.0.0.1', port: 1023 } }), noDns), 'accept');
  t.is(await authAddr(c, from('x', { peer: { family: 'unix', address: '/run/b.sock' } }), noDns), 'accept');
});

test('auth.login: the right password accepts, a wrong one rejects, no credentials do not count', async (t) => {
  const c = cfg({ loginAllow: { v: 'alice, bob' }, loginPassword: { alice: 's3cret' } });
  t.is(authLogin(c, from('1.1.1.1', { username: 'alice', password: 's3cret' })), 'accept');
  t.is(authLogin(c, from('1.1.1.1', { username: 'alice', password: 'wrong' })), 'reject');
  t.is(authLogin(c, from('1.1.1.1', { username: 'bob', password: 'x' })), 'reject', 'a listed user without a password entry is refused');
  t.is(authLogin(c, from('1.1.1.1', { username: 'mallory', password: 'x' })), 'dont-care');
  t.is(authLogin(c, from('1.1.1.1')), 'dont-care');
  t.is(authLogin({ ...c, strictAuthAccept: true }, from('1.1.1.1')), 'reject', 'strict-auth-accept wants credentials');
  t.is(authLogin(cfg({ loginAllow: { v: 'svc-*' }, loginPassword: { 'svc-a': 'p' } }), from('1.1.1.1', { username: 'svc-a', password: 'p' })), 'accept', 'user patterns');
});

test('over TLS the certificate name is the user: an ssl-allow list must match it, no list does not care, a sent password is not looked at', (t) => {
  const c = cfg({ loginSslAllow: { v: 'alice, bob-*' }, loginAllow: { v: 'mallory' }, loginPassword: { mallory: 'pw' } });
  t.is(authLogin(c, from('10.0.0.1', { sslName: 'alice' })), 'accept');
  t.is(authLogin(c, from('10.0.0.1', { sslName: 'bob-laptop' })), 'accept');
  t.is(authLogin(c, from('10.0.0.1', { sslName: 'eve', username: 'mallory', password: 'pw' })), 'reject');
  t.is(authLogin(c, from('10.0.0.1', { subvolume: 'other', sslName: 'eve' })), 'dont-care');
  t.is(authLogin(c, from('10.0.0.1', { username: 'mallory', password: 'pw' })), 'accept', 'without TLS the password still counts');
  // A certificate without a common name has the name '' and must be listed as such.
  t.is(authLogin(c, from('10.0.0.1', { sslName: '' })), 'reject');
  t.is(authLogin(cfg({ loginSslAllow: { v: '*' } }), from('10.0.0.1', { sslName: '' })), 'accept');
});

test('a certificate admitted by ssl-allow is not a login: only a listed username with its password makes a trusted client, over TLS too', async (t) => {
  const c = cfg({ addrAllow: { v: ['*'] }, loginSslAllow: { v: '*' }, loginAllow: { v: 'glusterd-internal' }, loginPassword: { 'glusterd-internal': 'pw' } });
  const cert = await authenticate(c, from('10.0.0.1', { sslName: 'anyone' }), noDns);
  t.is(cert.result, 'accept');
  t.false(cert.login === true, 'root squash still applies to a certificate holder');
  const both = await authenticate(c, from('10.0.0.1', { sslName: 'anyone', username: 'glusterd-internal', password: 'pw' }), noDns);
  t.true(both.login, 'the right internal credentials over TLS are trusted, as auth_set_username_passwd decides');
});

test('gf_authenticate: one module rejecting wins over another accepting', async (t) => {
  const c = cfg({ addrAllow: { v: ['*'] }, loginAllow: { v: 'alice' }, loginPassword: { alice: 'pw' } });
  t.is((await authenticate(c, from('10.0.0.1', { username: 'alice', password: 'bad' }), noDns)).result, 'reject');
  t.is((await authenticate(c, from('10.0.0.1', { username: 'alice', password: 'pw' }), noDns)).result, 'accept');
  t.is((await authenticate(c, from('10.0.0.1'), noDns)).result, 'accept', 'an address accept lets a client without credentials in, as in GlusterFS');
  t.is((await authenticate({ ...c, addrAllow: {} }, from('10.0.0.1'), noDns)).result, 'reject');
  t.is((await authenticate(cfg(), from('10.0.0.1'), noDns)).result, 'reject', 'no auth option at all refuses everyone');
});

test('a client is trusted (never squashed) only when auth.login accepted it for this subvolume', async (t) => {
  // alice has a password, but auth.login lists her only for volume x; volume v admits by address.
  const c = cfg({ addrAllow: { v: ['*'] }, loginAllow: { x: 'alice' }, loginPassword: { alice: 'pw' } });
  const onV = await authenticate(c, from('10.0.0.1', { username: 'alice', password: 'pw' }), noDns);
  t.is(onV.result, 'accept');
  t.false(onV.login === true, 'the right password for another volume does not make a trusted client');
  const onX = await authenticate(c, { ...from('10.0.0.1', { username: 'alice', password: 'pw' }), subvolume: 'x' }, noDns);
  t.is(onX.result, 'accept');
  t.true(onX.login);
});
