import test from 'ava';
import { connectRpc, listenRpc, type RpcConnection } from '../../rpc/transport/index.js';
import { AuthFlavor, credentialFromAuth, credentialToAuth, glusterfsCredential, type Credential } from '../../rpc/sunrpc/index.js';
import { GFS4, NO_DICT, emptyIattx } from '../../rpc/programs/index.js';
import type { AddressInfo } from 'node:net';

test('a v3 credential decodes to its fields and encodes back to the same bytes', (t) => {
  const auth = credentialToAuth(glusterfsCredential({ pid: 42, uid: 1000, gid: 100, groups: [4, 24] }));
  t.is(auth.flavor, AuthFlavor.GLUSTERFS_V3);
  const c = credentialFromAuth(auth);
  if (c.flavor !== 'glusterfs-v3') return t.fail('not v3');
  t.deepEqual([c.pid, c.uid, c.gid, c.groups], [42, 1000, 100, [4, 24]]);
  t.true(credentialToAuth(c).body.equals(auth.body));
});

test('a connection reuses the credential its peer sent last while the bytes match: the same frozen value; other bytes are read afresh', async (t) => {
  const seen: Credential[] = [];
  const conns: RpcConnection[] = [];
  const server = await listenRpc({ host: '127.0.0.1', port: 0 }, (c) => {
    conns.push(c);
    c.serve(GFS4, {
      lookup: (_args, ctx) => {
        seen.push(ctx.cred);
        return { value: { op_ret: 0, op_errno: 0, xdata: NO_DICT, prestat: emptyIattx(), poststat: emptyIattx() } };
      },
    });
  });
  const client = await connectRpc({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  t.teardown(() => {
    client.close();
    conns.forEach((c) => c.close());
    server.close();
  });
  const args = { gfid: Buffer.alloc(16), pargfid: Buffer.alloc(16, 1), flags: 0, bname: 'd', xdata: NO_DICT };
  // Made once each: glusterfsCredential stamps the time, as a frame's ctime.
  const a = glusterfsCredential({ pid: 42, uid: 1000, gid: 100, groups: [4, 24] });
  const b = { ...a, uid: 1001 };
  for (const cred of [a, a, b]) await client.call(GFS4, GFS4.procs.lookup, args, { cred });
  const [first, again, changed] = seen;
  t.is(again, first);
  t.true(Object.isFrozen(first));
  if (first!.flavor !== 'glusterfs-v3' || changed!.flavor !== 'glusterfs-v3') return t.fail('not v3');
  t.deepEqual([first!.pid, first!.uid, first!.gid, first!.groups], [42, 1000, 100, [4, 24]]);
  t.not(changed, first);
  t.is(changed!.uid, 1001);
});
