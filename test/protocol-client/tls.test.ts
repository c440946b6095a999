import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { activateGraph } from '../../runtime/graph/create.js';
import { parseVolfileText } from '../../runtime/graph/load.js';
import type { GfEvent } from '../../runtime/xlator/events.js';
import { serverClients } from '../../xlators/protocol/server/index.js';
import { startBrick, tempDir } from '../protocol-server/helpers.js';
import { caList, makeCrl, makeParty, makeSigned, tlsOptions, type Party } from '../helpers/tls-certs.js';
import { waitFor } from './helpers/real-brick.js';
import { setLogSink } from '../../runtime/log/logger.js';

// Log lines, kept so that a client that never came up is known to have failed its handshake
// (and not, say, never to have dialled). Tests of this file share them: each looks for its own brick's port.
const logged: string[] = [];
setLogSink((line) => logged.push(line));
const handshakeFailed = (port: number) => logged.some((l) => l.includes(`connection to 127.0.0.1:${port} failed: TLS handshake failed`) && l.includes('CLIENT_TLS_FAILED'));

/** The brick (server), two clients it trusts (alice, bob), and one it does not (eve). */
function parties(t: { teardown(fn: () => unknown): void }) {
  const dir = tempDir(t, 'gfs-tls-');
  const brick = makeParty(dir, 'brick');
  const alice = makeParty(dir, 'alice');
  const bob = makeParty(dir, 'bob');
  const eve = makeParty(dir, 'eve');
  return { dir, brick, alice, bob, eve, brickCa: caList(dir, 'brick', [alice, bob]), clientCa: caList(dir, 'client', [brick]) };
}

function clientVol(port: number, options: Record<string, string>): string {
  return [
    'volume c', '    type protocol/client', '    option remote-host 127.0.0.1', `    option remote-port ${port}`, '    option remote-subvolume b-posix',
    ...Object.entries(options).map(([k, v]) => `    option ${k} ${v}`), 'end-volume', '',
  ].join('\n');
}

/** A client graph; resolves with it and the events its top saw. */
async function client(t: { teardown(fn: () => unknown): void }, port: number, options: Record<string, string>) {
  const g = await activateGraph(parseVolfileText(clientVol(port, options), '<client>'));
  t.teardown(() => g.teardown());
  const seen: GfEvent['type'][] = [];
  g.on('event', (e: GfEvent) => seen.push(e.type));
  return { g, seen };
}

const as = (p: Party, ca: string) => tlsOptions(p, ca);

test('over TLS a client with a trusted certificate reads and writes, and the brick knows it by its common name', async (t) => {
  const p = parties(t);
  const b = await startBrick(t, as(p.brick, p.brickCa));
  const port = (b.addr as { port: number }).port;
  const { g, seen } = await client(t, port, as(p.alice, p.clientCa));
  await waitFor('CHILD_UP', () => seen.includes('CHILD_UP'));
  const top = g.top;
  const { Fd } = await import('../../runtime/core/fd.js');
  const { createFrame } = await import('../../runtime/core/frame.js');
  const loc = { path: '/f', name: 'f', parent: g.itable.root, pargfid: g.itable.root.gfid, inode: g.itable.create() };
  const fd = new Fd(loc.inode, fs.constants.O_RDWR);
  await top.fops.create(createFrame(), { loc, flags: fs.constants.O_RDWR | fs.constants.O_CREAT, mode: 0o100644, umask: 0, fd });
  await top.fops.writev(createFrame(), { fd, data: Buffer.from('over tls'), offset: 0, flags: 0 });
  const r = await top.fops.readv(createFrame(), { fd, size: 64, offset: 0, flags: 0 });
  t.is(r.data.toString(), 'over tls');
  await g.release(fd);
  t.is(fs.readFileSync(path.join(b.dir, 'f'), 'utf8'), 'over tls');
  t.deepEqual(serverClients(b.graph.top).map((c) => c.sslName), ['alice']);
});

// Serial: the brick's refusals are found among the log lines written while it runs alone.
test.serial('a client whose certificate the brick does not trust, or without TLS, never comes up, and the brick serves the others', async (t) => {
  const from = logged.length;
  const p = parties(t);
  const b = await startBrick(t, as(p.brick, p.brickCa));
  const port = (b.addr as { port: number }).port;
  const stranger = await client(t, port, as(p.eve, p.clientCa));
  const plain = await client(t, port, {});
  const good = await client(t, port, as(p.bob, p.clientCa));
  await waitFor('the trusted client is up', () => good.seen.includes('CHILD_UP'));
  await new Promise((r) => setTimeout(r, 1000));
  t.false(stranger.seen.includes('CHILD_UP'));
  t.false(plain.seen.includes('CHILD_UP'));
  // The brick turned both away at the handshake: eve's self-signed certificate is not in its
  // CA list, and the plain client's first bytes are no TLS record.
  const refused = logged.slice(from).filter((l) => l.includes('SERVER_TLS_REFUSED'));
  t.true(refused.some((l) => l.includes('DEPTH_ZERO_SELF_SIGNED_CERT')), refused.join('\n'));
  t.true(refused.some((l) => l.includes('wrong version number')), refused.join('\n'));
  t.deepEqual(serverClients(b.graph.top).map((c) => c.sslName), ['bob']);
});

test('a client that does not trust the brick\'s certificate does not connect', async (t) => {
  const p = parties(t);
  const b = await startBrick(t, as(p.brick, p.brickCa));
  const port = (b.addr as { port: number }).port;
  const wrongCa = caList(p.dir, 'wrong', [p.eve]);
  const c = await client(t, port, as(p.alice, wrongCa));
  await waitFor('the handshake failure', () => handshakeFailed(port));
  t.false(c.seen.includes('CHILD_UP'));
  t.deepEqual(serverClients(b.graph.top), []);
});

test('auth.login ssl-allow admits only the listed common names: another trusted certificate is AUTH_FAILED', async (t) => {
  const p = parties(t);
  const b = await startBrick(t, { ...as(p.brick, p.brickCa), 'auth.login.b-posix.ssl-allow': 'alice' });
  const port = (b.addr as { port: number }).port;
  const alice = await client(t, port, as(p.alice, p.clientCa));
  const bob = await client(t, port, as(p.bob, p.clientCa));
  await waitFor('alice up', () => alice.seen.includes('CHILD_UP'));
  await waitFor('bob refused', () => bob.seen.includes('AUTH_FAILED'));
  t.false(bob.seen.includes('CHILD_UP'));
});

test('a certificate file that cannot be read fails the translator at init, naming it', async (t) => {
  const p = parties(t);
  const opts = { ...as(p.alice, p.clientCa), 'transport.socket.ssl-own-cert': path.join(p.dir, 'missing.pem') };
  await t.throwsAsync(activateGraph(parseVolfileText(clientVol(1, opts), '<client>')), { message: /missing\.pem/ });
});

test('ssl-cert-depth counts intermediates as OpenSSL 1.1 does: a leaf under the listed root passes at 0, one under an intermediate needs 1', async (t) => {
  const p = parties(t);
  const root = makeParty(p.dir, 'root');
  const inter = { ...makeSigned(p.dir, 'inter', root, true), root: false };
  const carol = makeSigned(p.dir, 'carol', root);
  const dave = makeSigned(p.dir, 'dave', inter);
  const rootOnly = caList(p.dir, 'root-only', [root]);
  const brick = async (depth: string) => startBrick(t, { ...as(p.brick, rootOnly), 'transport.socket.ssl-cert-depth': depth });
  const admitted = async (depth: string, who: Party) => {
    const b = await brick(depth);
    const c = await client(t, (b.addr as { port: number }).port, as(who, p.clientCa));
    await waitFor('CHILD_UP', () => c.seen.includes('CHILD_UP'), 3000).catch(() => undefined);
    return c.seen.includes('CHILD_UP');
  };
  t.true(await admitted('0', carol), 'carol: signed by the root itself');
  t.false(await admitted('0', dave), 'dave: one intermediate, depth 0');
  t.true(await admitted('1', dave), 'dave at depth 1');
});

test('under ssl-allow a certificate without a common name is the name "" and is turned away unless listed', async (t) => {
  const p = parties(t);
  const nameless = makeParty(p.dir, 'nameless', '/O=no common name');
  const brickCa = caList(p.dir, 'with-nameless', [p.alice, nameless]);
  const b = await startBrick(t, { ...as(p.brick, brickCa), 'auth.login.b-posix.ssl-allow': 'alice' });
  const c = await client(t, (b.addr as { port: number }).port, as(nameless, p.clientCa));
  await waitFor('refused', () => c.seen.includes('AUTH_FAILED'));
  t.false(c.seen.includes('CHILD_UP'));
});

test('a brick with ssl-crl-path (a folder of revocation lists) turns away a revoked client certificate and admits the others', async (t) => {
  const p = parties(t);
  const root = makeParty(p.dir, 'root');
  const carol = makeSigned(p.dir, 'carol', root);
  const dave = makeSigned(p.dir, 'dave', root);
  const crls = path.join(p.dir, 'crls');
  makeCrl(p.dir, root, [carol], crls);
  const b = await startBrick(t, { ...as(p.brick, caList(p.dir, 'root-only', [root])), 'transport.socket.ssl-crl-path': crls });
  const port = (b.addr as { port: number }).port;
  const d = await client(t, port, as(dave, p.clientCa));
  const c = await client(t, port, as(carol, p.clientCa));
  await waitFor('dave up', () => d.seen.includes('CHILD_UP'));
  await new Promise((r) => setTimeout(r, 1000));
  t.false(c.seen.includes('CHILD_UP'), 'carol is revoked');
  t.deepEqual(serverClients(b.graph.top).map((x) => x.sslName), ['dave']);
});
