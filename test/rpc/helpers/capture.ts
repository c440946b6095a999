import { fileURLToPath } from 'node:url';
import { RecordDecoder, decodeRecord, type RpcRecord } from '../../../rpc/sunrpc/index.js';
import { findProcedure, type Procedure } from '../../../rpc/programs/index.js';
import { readTcpStreams } from './pcapng.js';
import { INTEROP_DIR } from '../../helpers/shared.js';

export const CAPTURE = `${INTEROP_DIR}/captures/real-client-real-brick.pcapng`;

export interface CapturedMessage {
  /** The record as it was on the wire, without the record mark. */
  record: Buffer;
  /** The marked bytes (header(s) included), as the stream carried them. */
  framed: Buffer;
  rpc: RpcRecord;
  direction: 'to-server' | 'to-client';
  procedure: Procedure;
  kind: 'call' | 'reply';
}

/** Every RPC message of the capture, calls matched to their program and replies to their call's. */
export function capturedMessages(file = CAPTURE, serverPort = 24999): CapturedMessage[] {
  const out: CapturedMessage[] = [];
  const pending = new Map<number, Procedure>();
  const streams = readTcpStreams(file).sort((a, b) => (a.dstPort === serverPort ? -1 : b.dstPort === serverPort ? 1 : 0));
  for (const s of streams) {
    const direction = s.dstPort === serverPort ? 'to-server' : 'to-client';
    const dec = new RecordDecoder(64 * 1024 * 1024);
    let at = 0;
    // Feed record by record to keep each record's framed bytes.
    const records = dec.push(s.data);
    for (const record of records) {
      const framedLen = frameLength(s.data, at);
      const framed = s.data.subarray(at, at + framedLen);
      at += framedLen;
      const rpc = decodeRecord(record);
      if (rpc.msg.mtype === 0) {
        const c = rpc.msg.value;
        const p = findProcedure(c.prog, c.vers, c.proc);
        if (!p) throw new Error(`unknown procedure ${c.prog}/${c.vers}/${c.proc}`);
        pending.set(rpc.xid, p);
        out.push({ record, framed, rpc, direction, procedure: p, kind: 'call' });
      } else {
        const p = pending.get(rpc.xid);
        if (!p) throw new Error(`reply to unknown xid ${rpc.xid}`);
        out.push({ record, framed, rpc, direction, procedure: p, kind: 'reply' });
      }
    }
    if (dec.pending) throw new Error(`${s.key}: truncated record at the end of the capture`);
  }
  return out;
}

function frameLength(data: Buffer, at: number): number {
  let off = at;
  for (;;) {
    const h = data.readUInt32BE(off);
    off += 4 + (h & 0x7fffffff);
    if (h & 0x80000000) return off - at;
  }
}
