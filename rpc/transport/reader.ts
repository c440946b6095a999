import type { OnReadOpts } from 'node:net';
import type { RpcConnection } from './connection.js';

/** One read buffer per connection, reused for every read: big enough for a 128 KiB READ reply. */
const READ_BUFFER = 256 * 1024;
/** A fragment with at least this much still missing is read straight into its own buffer. */
const DIRECT_MIN = 64 * 1024;

/**
 * Reads for a socket opened with Node's `onread` option, fed to the RpcConnection made once the
 * socket is connected (`attach`; what arrives before is kept and handed over then). Reads land in
 * one buffer the socket reuses and are passed on as transient chunks, instead of Node allocating
 * 64 KiB per read (which, at hundreds of MB/s, kept V8 in major GCs). While a large record (a
 * READ reply's data) is being assembled, the next read goes straight into that record's own
 * buffer (Node asks the buffer function before every read), so the data is copied once, from the
 * kernel, rather than twice.
 */
export function connectionReader(): { onread: OnReadOpts; attach(conn: RpcConnection): void } {
  const shared = Buffer.allocUnsafe(READ_BUFFER);
  let conn: RpcConnection | undefined;
  let early: Buffer[] = [];
  return {
    onread: {
      buffer: () => conn?.directTarget(DIRECT_MIN) ?? shared,
      callback(n: number, buf: Uint8Array): boolean {
        if (buf !== shared) conn!.receiveDirect(n);
        else if (conn) conn.receive(Buffer.from(buf.buffer, buf.byteOffset, n), true);
        else early.push(Buffer.from(buf.subarray(0, n)));
        return true;
      },
    },
    attach(c: RpcConnection): void {
      conn = c;
      for (const chunk of early) c.receive(chunk, false);
      early = [];
    },
  };
}
