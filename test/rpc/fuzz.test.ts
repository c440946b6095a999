import test from 'ava';
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { PROGRAMS, decodeMessage, serializedDict, type Procedure } from '../../rpc/programs/index.js';
import { RecordDecoder, credentialFromAuth, decodeRecord } from '../../rpc/sunrpc/index.js';
import { RpcDecodeError, decode } from '../../rpc/xdr/index.js';
import { CAPTURE, capturedMessages } from './helpers/capture.js';
import { needingConcurrent } from '../helpers/needs.js';

const procedures: Procedure[] = PROGRAMS.flatMap((p) => [...p.byNumber.values()]);
const captured = existsSync(CAPTURE) ? capturedMessages() : [];

/** Decoding must either succeed or throw RpcDecodeError: never a RangeError, never a hang. */
function onlyDecodeErrors(fn: () => unknown): boolean {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof RpcDecodeError)) throw err;
  }
  return true;
}

test('random bytes fed to every decoder give RpcDecodeError or a value, nothing else', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(procedures.length - 1), fc.boolean(), (bytes, i, side) => {
      const buf = Buffer.from(bytes);
      const p = procedures[i]!;
      return (
        onlyDecodeErrors(() => decodeRecord(buf)) &&
        onlyDecodeErrors(() => decodeMessage(side ? p.args : p.reply, buf, side ? p.argsPayload : p.replyPayload)) &&
        onlyDecodeErrors(() => decode(serializedDict, buf)) &&
        onlyDecodeErrors(() => credentialFromAuth({ flavor: 390040, body: buf }))
      );
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('huge declared lengths are refused without allocating them', (t) => {
  const buf = Buffer.alloc(64, 0xff);
  for (const p of procedures) {
    onlyDecodeErrors(() => decodeMessage(p.args, buf, false));
    onlyDecodeErrors(() => decodeMessage(p.reply, buf, false));
  }
  t.pass();
});

needingConcurrent(captured.length > 0, 'the shared capture')('every captured message, truncated or with a flipped byte, decodes or throws RpcDecodeError', (t) => {
  fc.assert(
    fc.property(fc.nat(captured.length - 1), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (i, cut, at, x, flip) => {
      const m = captured[i]!;
      let buf = Buffer.from(m.record);
      if (flip) buf[at % buf.length] ^= x;
      else buf = buf.subarray(0, cut % buf.length);
      return onlyDecodeErrors(() => {
        const rec = decodeRecord(buf);
        const p = m.procedure;
        const call = rec.msg.mtype === 0;
        if (rec.msg.mtype === 0) credentialFromAuth(rec.msg.value.cred);
        decodeMessage(call ? p.args : p.reply, rec.payload, call ? p.argsPayload : p.replyPayload);
      });
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('random streams fed to the record decoder give records or a size error', (t) => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
      const dec = new RecordDecoder(4096);
      return onlyDecodeErrors(() => chunks.forEach((c) => dec.push(Buffer.from(c))));
    }),
    { numRuns: 300 },
  );
  t.pass();
});
