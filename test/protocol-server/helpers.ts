import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Dict } from '../../runtime/core/dict.js';
import { activateGraph } from '../../runtime/graph/create.js';
import type { Graph } from '../../runtime/graph/graph.js';
import { parseVolfileText } from '../../runtime/graph/load.js';
import { gfidToBuffer, ROOT_GFID } from '../../runtime/core/gfid.js';
import { DUMP } from '../../rpc/programs/dump.js';
import { GFS4, GFS4_FOPS, type Gfs4FopName, type Gfs4Reply, type Gfs4Request } from '../../rpc/programs/gfs4.js';
import { HANDSHAKE } from '../../rpc/programs/handshake.js';
import { dictToWire, NO_DICT } from '../../rpc/programs/convert.js';
import { glusterfsCredential, type Credential } from '../../rpc/sunrpc/auth.js';
import { connectRpc, type RpcAddress } from '../../rpc/transport/socket.js';
import type { RpcConnection } from '../../rpc/transport/connection.js';
import { serverAddress } from '../../xlators/protocol/server/index.js';
import { setLogSink } from '../../runtime/log/logger.js';

// Server log lines are expected here (refused clients, closed connections); GFS_TEST_LOG=1 shows them.
if (!process.env.GFS_TEST_LOG) setLogSink(() => {});

interface Teardown {
  teardown(fn: () => unknown): void;
}

export function tempDir(t: Teardown, prefix = 'gfs-psrv-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A brick volfile: posix (+ extra layers) under protocol/server named `srv`. */
export function brickVolfile(brick: string, serverOptions: Record<string, string> = {}, opts: { locks?: boolean } = {}): string {
  const lines = ['volume b-posix', '    type storage/posix', `    option directory ${brick}`, 'end-volume'];
  let top = 'b-posix';
  if (opts.locks) {
    lines.push('volume b-locks', '    type features/locks', '    subvolumes b-posix', 'end-volume');
    top = 'b-locks';
  }
  const so = { 'transport-type': 'tcp', 'transport.socket.listen-port': '0', 'transport.socket.bind-address': '127.0.0.1', [`auth.addr.${top}.allow`]: '*', ...serverOptions };
  lines.push('volume srv', '    type protocol/server', ...Object.entries(so).map(([k, v]) => `    option ${k} ${v}`), `    subvolumes ${top}`, 'end-volume', '');
  return lines.join('\n');
}

export interface Brick {
  graph: Graph;
  dir: string;
  addr: RpcAddress;
  subvolume: string;
}

/** Run a brick graph in this process; torn down with the test. */
export async function startBrick(t: Teardown, serverOptions: Record<string, string> = {}, opts: { locks?: boolean; dir?: string } = {}): Promise<Brick> {
  const dir = opts.dir ?? tempDir(t);
  const text = brickVolfile(dir, serverOptions, opts);
  const graph = await activateGraph(parseVolfileText(text, '<brick>'), { lruLimit: 16384 });
  t.teardown(() => graph.teardown());
  const addr = serverAddress(graph.top)!;
  return { graph, dir, addr, subvolume: opts.locks ? 'b-locks' : 'b-posix' };
}

export const ROOT = gfidToBuffer(ROOT_GFID);
export const NULL = Buffer.alloc(16);

/** A raw GFS4 client over connectRpc: what a well-behaved (or not) peer sends. */
export class RawClient {
  cred: Credential = glusterfsCredential({ pid: 4242, uid: 0, gid: 0 });
  constructor(readonly conn: RpcConnection) {}

  static async connect(t: Teardown, addr: RpcAddress): Promise<RawClient> {
    const conn = await connectRpc(addr, { frameTimeoutMs: 20_000 });
    t.teardown(() => conn.close());
    return new RawClient(conn);
  }

  dump() {
    return this.conn.call(DUMP, DUMP.procs.DUMP, { gfs_id: 1n });
  }

  async setvolume(fields: Record<string, string>) {
    const d = new Dict();
    for (const [k, v] of Object.entries({ 'process-uuid': 'test-client', 'fops-version': '1298437', 'client-version': '10.3', ...fields })) d.setStr(k, v);
    return (await this.conn.call(HANDSHAKE, HANDSHAKE.procs.SETVOLUME, { dict: d })).value;
  }

  // Replies derived from the fop table (one, two or three iatts) are typed as a union; tests read
  // the fields they expect by name.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async call<N extends Gfs4FopName>(fop: N, args: Gfs4Request<N>, payload?: Buffer): Promise<{ value: Gfs4Reply<N> & Record<string, any>; payload?: Buffer }> {
    const proc = GFS4_FOPS[fop].procedure;
    return this.conn.call(GFS4, proc, args as never, { cred: this.cred, ...(payload ? { payload } : {}) }) as never;
  }
}

export const xdata = (d?: Dict) => (d ? dictToWire(d) : NO_DICT);
export { NO_DICT };

/** A client attached to `b` (DUMP + SETVOLUME). */
export async function attached(t: Teardown, b: Brick, extra: Record<string, string> = {}): Promise<RawClient> {
  const c = await RawClient.connect(t, b.addr);
  await c.dump();
  const r = await c.setvolume({ 'remote-subvolume': b.subvolume, ...extra });
  if (r.op_ret !== 0) throw new Error(`SETVOLUME failed: ${r.dict?.getStr('ERROR')}`);
  return c;
}
