import test from 'ava';
import { AuthFlavor, credentialFromAuth, credentialToAuth, glusterfsCredential } from '../../rpc/sunrpc/index.js';

test('a v3 credential read again from the same bytes is the same frozen value; other bytes, even in the same buffer, are read afresh', (t) => {
  const auth = credentialToAuth(glusterfsCredential({ pid: 42, uid: 1000, gid: 100, groups: [4, 24] }));
  t.is(auth.flavor, AuthFlavor.GLUSTERFS_V3);
  const first = credentialFromAuth(auth);
  const again = credentialFromAuth({ flavor: auth.flavor, body: Buffer.from(auth.body) });
  t.is(again, first);
  t.true(Object.isFrozen(first));
  if (first.flavor !== 'glusterfs-v3') return t.fail('not v3');
  t.throws(() => first.groups.push(1), { instanceOf: TypeError });
  t.deepEqual([first.pid, first.uid, first.gid, first.groups], [42, 1000, 100, [4, 24]]);
  // The caller's buffer rewritten in place with another uid.
  const other = credentialToAuth(glusterfsCredential({ pid: 42, uid: 1001, gid: 100, groups: [4, 24] }));
  other.body.copy(auth.body);
  const changed = credentialFromAuth(auth);
  t.not(changed, first);
  t.is(changed.flavor === 'glusterfs-v3' ? changed.uid : -1, 1001);
});
