import test from 'ava';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { RecordWriter } from '../../rpc/transport/writer.js';
import { caList, makeParty } from '../helpers/tls-certs.js';
import { tempDir } from '../protocol-server/helpers.js';

test('over TLS, records still queued when the connection closes gracefully are all written before the end', async (t) => {
  const dir = tempDir(t, 'gfs-writer-tls-');
  const brick = makeParty(dir, 'brick');
  const ca = caList(dir, 'ca', [brick]);
  const server = tls.createServer({ cert: readFileSync(brick.cert), key: readFileSync(brick.key) });
  t.teardown(() => server.close());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'secureConnection');
  const peer = tls.connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', ca: readFileSync(ca), checkServerIdentity: () => undefined });
  t.teardown(() => peer.destroy());
  const received: Buffer[] = [];
  peer.on('data', (b: Buffer) => received.push(b));
  const ended = once(peer, 'end');
  const [socket] = (await accepted) as [tls.TLSSocket];
  let closed = false;
  const writer = new RecordWriter(socket, () => closed || socket.destroyed, (err) => t.fail(err.message));
  // Three records queued in one go: the first goes to the socket, the others wait their turn.
  const records = [Buffer.from('first;'), Buffer.from('second;'), Buffer.from('third;')];
  for (const r of records) writer.send(r);
  // As RpcConnection.close does: flush, mark closed, end the stream.
  writer.flushNow();
  closed = true;
  socket.end();
  await ended;
  t.is(Buffer.concat(received).toString(), 'first;second;third;');
});
