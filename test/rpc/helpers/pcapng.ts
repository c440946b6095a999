import { readFileSync } from 'node:fs';

/**
 * A small pcapng reader, enough for loopback captures: Enhanced Packet Blocks on Ethernet
 * (DLT_EN10MB), Linux cooked (DLT_LINUX_SLL) or BSD loopback (DLT_NULL) links, IPv4 and TCP.
 * Each TCP direction is reassembled by sequence number.
 */
export interface TcpStream {
  /** "src:port>dst:port" */
  key: string;
  srcPort: number;
  dstPort: number;
  data: Buffer;
}

interface Segment { seq: number; data: Buffer; syn: boolean }

export function readTcpStreams(file: string): TcpStream[] {
  const buf = readFileSync(file);
  let le = true;
  const linkTypes: number[] = [];
  const segments = new Map<string, { srcPort: number; dstPort: number; segs: Segment[] }>();
  let off = 0;
  while (off + 12 <= buf.length) {
    const type = buf.readUInt32LE(off);
    if (type === 0x0a0d0d0a) le = buf.readUInt32LE(off + 8) === 0x1a2b3c4d;
    const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
    const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
    const len = u32(off + 4);
    if (len < 12 || off + len > buf.length) throw new Error(`bad pcapng block at ${off}`);
    const btype = u32(off);
    if (btype === 1) linkTypes.push(u16(off + 8));
    if (btype === 6) {
      const ifc = u32(off + 8);
      const caplen = u32(off + 20);
      packet(buf.subarray(off + 28, off + 28 + caplen), linkTypes[ifc] ?? 1, segments);
    }
    off += len;
  }
  return [...segments.entries()].map(([key, s]) => ({ key, srcPort: s.srcPort, dstPort: s.dstPort, data: reassemble(s.segs) }));
}

function packet(p: Buffer, link: number, out: Map<string, { srcPort: number; dstPort: number; segs: Segment[] }>): void {
  let ip: Buffer;
  if (link === 1) {
    if (p.readUInt16BE(12) !== 0x0800) return;
    ip = p.subarray(14);
  } else if (link === 113) {
    if (p.readUInt16BE(14) !== 0x0800) return;
    ip = p.subarray(16);
  } else if (link === 0) {
    ip = p.subarray(4);
  } else {
    throw new Error(`unsupported link type ${link}`);
  }
  if (ip[0]! >> 4 !== 4 || ip[9] !== 6) return;
  const ihl = (ip[0]! & 0xf) * 4;
  const total = ip.readUInt16BE(2);
  const tcp = ip.subarray(ihl, total);
  const src = `${ip.subarray(12, 16).join('.')}:${tcp.readUInt16BE(0)}`;
  const dst = `${ip.subarray(16, 20).join('.')}:${tcp.readUInt16BE(2)}`;
  const doff = (tcp[12]! >> 4) * 4;
  const syn = (tcp[13]! & 0x02) !== 0;
  const key = `${src}>${dst}`;
  let s = out.get(key);
  if (!s) out.set(key, (s = { srcPort: tcp.readUInt16BE(0), dstPort: tcp.readUInt16BE(2), segs: [] }));
  s.segs.push({ seq: tcp.readUInt32BE(4), data: Buffer.from(tcp.subarray(doff)), syn });
}

function reassemble(segs: Segment[]): Buffer {
  const synSeg = segs.find((s) => s.syn);
  const base = synSeg ? (synSeg.seq + 1) >>> 0 : Math.min(...segs.filter((s) => s.data.length).map((s) => s.seq));
  const rel = segs.filter((s) => s.data.length).map((s) => ({ at: (s.seq - base) >>> 0, data: s.data })).sort((a, b) => a.at - b.at);
  const parts: Buffer[] = [];
  let next = 0;
  for (const s of rel) {
    if (s.at > next) throw new Error(`gap in TCP stream at ${next}`);
    const fresh = s.data.subarray(next - s.at);
    if (fresh.length) parts.push(fresh);
    next = Math.max(next, s.at + s.data.length);
  }
  return Buffer.concat(parts);
}
