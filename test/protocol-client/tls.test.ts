import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { activateGraph } from '../../runtime/graph/create.js';
import { parseVolfileText } from '../../runtime/graph/load.js';
import type { GfEvent } from '../../runtime/xlator/events.js';
import { serverClients } from '../../xlators/protocol/server/index.js';
import { startBrick, tempDir } from '../protocol-server/helpers.js';
import { caList, makeParty, makeSigned, tlsOptions, type Party } from '../helpers/tls-certs.js';
import { waitFor } from './helpers/real-brick.js';

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

test('a client whose certificate the brick does not trust, or without TLS, never comes up, and the brick serves the others', async (t) => {
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
  t.deepEqual(serverClients(b.graph.top).map((c) => c.sslName), ['bob']);
});

test('a client that does not trust the brick\'s certificate does not connect', async (t) => {
  const p = parties(t);
  const b = await startBrick(t, as(p.brick, p.brickCa));
  const port = (b.addr as { port: number }).port;
  const wrongCa = caList(p.dir, 'wrong', [p.eve]);
  const c = await client(t, port, as(p.alice, wrongCa));
  await new Promise((r) => setTimeout(r, 1500));
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

test('a client certificate signed by a CA on the list is admitted at the default depth 1, and refused at ssl-cert-depth 0', async (t) => {
  const p = parties(t);
  const ca = makeParty(p.dir, 'ca');
  const carol = makeSigned(p.dir, 'carol', ca);
  const caOnly = caList(p.dir, 'ca-only', [ca]);
  const deep = await startBrick(t, as(p.brick, caOnly));
  const c1 = await client(t, (deep.addr as { port: number }).port, as(carol, p.clientCa));
  await waitFor('carol up at depth 1', () => c1.seen.includes('CHILD_UP'));
  t.deepEqual(serverClients(deep.graph.top).map((c) => c.sslName), ['carol']);
  const shallow = await startBrick(t, { ...as(p.brick, caOnly), 'transport.socket.ssl-cert-depth': '0' });
  const c0 = await client(t, (shallow.addr as { port: number }).port, as(carol, p.clientCa));
  await new Promise((r) => setTimeout(r, 1500));
  t.false(c0.seen.includes('CHILD_UP'));
  t.deepEqual(serverClients(shallow.graph.top), []);
});
