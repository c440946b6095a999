import test from 'ava';
import fc from 'fast-check';
import { PROGRAMS, decodeMessage, encodeMessage, type Procedure } from '../../rpc/programs/index.js';
import { auth_glusterfs_params_v3, auth_glusterfs_parms_v2, rpc_msg } from '../../rpc/sunrpc/index.js';
import { decode, encode, type Codec } from '../../rpc/xdr/index.js';
import { arbitraryOf } from './helpers/arbitrary.js';

/** encode -> decode gives the value back, and encoding that again gives the same bytes. */
function roundTrips<T>(t: import('ava').ExecutionContext, codec: Codec<T>, runs = 25): void {
  fc.assert(
    fc.property(arbitraryOf(codec), (v) => {
      const bytes = encode(codec, v);
      const back = decode(codec, bytes);
      t.deepEqual(back, v);
      t.true(encode(codec, back).equals(bytes));
      t.is(bytes.length % 4, 0);
    }),
    { numRuns: runs },
  );
}

test('the RPC header (calls, accepted and denied replies) round-trips', (t) => roundTrips(t, rpc_msg, 100));
test('AUTH_GLUSTERFS v2 and v3 credentials round-trip', (t) => {
  roundTrips(t, auth_glusterfs_parms_v2);
  roundTrips(t, auth_glusterfs_params_v3);
});

function payloadRoundTrip(t: import('ava').ExecutionContext, p: Procedure, side: 'args' | 'reply'): void {
  const codec = p[side];
  const hasPayload = side === 'args' ? p.argsPayload : p.replyPayload;
  fc.assert(
    fc.property(arbitraryOf(codec), fc.uint8Array({ minLength: 1, maxLength: 40 }), (v, data) => {
      const payload = hasPayload ? Buffer.from(data) : undefined;
      const bytes = Buffer.concat(encodeMessage(codec, v, payload));
      const back = decodeMessage(codec, bytes, hasPayload);
      t.deepEqual(back.value, v);
      if (hasPayload) t.deepEqual(back.payload, payload);
      t.true(Buffer.concat(encodeMessage(codec, back.value, back.payload)).equals(bytes));
    }),
    { numRuns: 20 },
  );
}

for (const program of PROGRAMS) {
  for (const p of program.byNumber.values()) {
    test(`${program.name} ${p.name}: arguments and reply round-trip`, (t) => {
      payloadRoundTrip(t, p, 'args');
      payloadRoundTrip(t, p, 'reply');
    });
  }
}
