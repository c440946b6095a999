import { FOP_TABLE, type AnyFopName } from '../../runtime/fops/table.js';
import type { Codec } from '../xdr/schema.js';
import * as m from './gfs4-messages.js';
import { defineProgram, procedure, type Procedure } from './program.js';

/** The GlusterFS 4.x FOP program ("GlusterFS 4.x v1" in a DUMP reply). */
export const GFS4_PROGRAM = 1298437;
export const GFS4_VERSION = 400;

/**
 * Every name in the fop table: the callable fops and the cbks (release and releasedir are GFS4
 * procedures too; forget never crosses the wire).
 */
export type WireFopName = AnyFopName;

interface Entry {
  /** gf_fop_procnum (rpc-lib protocol-common.h); it differs from the fop table's id after readdirp. */
  proc: number;
  request: Codec<unknown>;
  /** Only where GFS4 has a dedicated reply; otherwise derived from the fop table's result. */
  reply?: Codec<unknown>;
  /** Result fields (fop table names) carried by the reply's iattx fields (GFS4 names), for a dedicated reply. */
  iatts?: Readonly<Record<string, string>>;
  requestPayload?: true;
  replyPayload?: true;
}

/**
 * Procedure number and request layout of every fop. `null`: the fop has no GFS4 procedure
 * (getspec is on the handshake program, compound was removed in 4.x). The `satisfies` clause
 * makes the compiler refuse a fop the table gains but this map forgets. forget never leaves
 * the process.
 */
const ENTRIES = {
  stat: { proc: 1, request: m.gfx_stat_req },
  readlink: { proc: 2, request: m.gfx_readlink_req, reply: m.gfx_readlink_rsp, iatts: { buf: 'buf' } },
  mknod: { proc: 3, request: m.gfx_mknod_req },
  mkdir: { proc: 4, request: m.gfx_mkdir_req },
  unlink: { proc: 5, request: m.gfx_unlink_req },
  rmdir: { proc: 6, request: m.gfx_rmdir_req },
  symlink: { proc: 7, request: m.gfx_symlink_req },
  rename: {
    proc: 8, request: m.gfx_rename_req, reply: m.gfx_rename_rsp,
    iatts: { buf: 'stat', preoldparent: 'preoldparent', postoldparent: 'postoldparent', prenewparent: 'prenewparent', postnewparent: 'postnewparent' },
  },
  link: { proc: 9, request: m.gfx_link_req },
  truncate: { proc: 10, request: m.gfx_truncate_req },
  open: { proc: 11, request: m.gfx_open_req, reply: m.gfx_open_rsp },
  readv: { proc: 12, request: m.gfx_read_req, reply: m.gfx_read_rsp, iatts: { stbuf: 'stat' }, replyPayload: true },
  writev: { proc: 13, request: m.gfx_write_req, requestPayload: true },
  statfs: { proc: 14, request: m.gfx_statfs_req, reply: m.gfx_statfs_rsp },
  flush: { proc: 15, request: m.gfx_flush_req },
  fsync: { proc: 16, request: m.gfx_fsync_req },
  setxattr: { proc: 17, request: m.gfx_setxattr_req },
  getxattr: { proc: 18, request: m.gfx_getxattr_req },
  removexattr: { proc: 19, request: m.gfx_removexattr_req },
  opendir: { proc: 20, request: m.gfx_opendir_req, reply: m.gfx_open_rsp },
  fsyncdir: { proc: 21, request: m.gfx_fsyncdir_req },
  access: { proc: 22, request: m.gfx_access_req },
  create: {
    proc: 23, request: m.gfx_create_req, reply: m.gfx_create_rsp,
    iatts: { buf: 'stat', preparent: 'preparent', postparent: 'postparent' },
  },
  ftruncate: { proc: 24, request: m.gfx_ftruncate_req },
  fstat: { proc: 25, request: m.gfx_fstat_req },
  lk: { proc: 26, request: m.gfx_lk_req, reply: m.gfx_lk_rsp },
  lookup: { proc: 27, request: m.gfx_lookup_req },
  readdir: { proc: 28, request: m.gfx_readdir_req, reply: m.gfx_readdir_rsp },
  inodelk: { proc: 29, request: m.gfx_inodelk_req },
  finodelk: { proc: 30, request: m.gfx_finodelk_req },
  entrylk: { proc: 31, request: m.gfx_entrylk_req },
  fentrylk: { proc: 32, request: m.gfx_fentrylk_req },
  xattrop: { proc: 33, request: m.gfx_xattrop_req },
  fxattrop: { proc: 34, request: m.gfx_fxattrop_req },
  fgetxattr: { proc: 35, request: m.gfx_fgetxattr_req },
  fsetxattr: { proc: 36, request: m.gfx_fsetxattr_req },
  rchecksum: { proc: 37, request: m.gfx_rchecksum_req, reply: m.gfx_rchecksum_rsp },
  setattr: { proc: 38, request: m.gfx_setattr_req },
  fsetattr: { proc: 39, request: m.gfx_fsetattr_req },
  readdirp: { proc: 40, request: m.gfx_readdirp_req, reply: m.gfx_readdirp_rsp },
  release: { proc: 41, request: m.gfx_release_req },
  releasedir: { proc: 42, request: m.gfx_releasedir_req },
  fremovexattr: { proc: 43, request: m.gfx_fremovexattr_req },
  fallocate: { proc: 44, request: m.gfx_fallocate_req },
  discard: { proc: 45, request: m.gfx_discard_req },
  zerofill: { proc: 46, request: m.gfx_zerofill_req },
  ipc: { proc: 47, request: m.gfx_ipc_req },
  seek: { proc: 48, request: m.gfx_seek_req, reply: m.gfx_seek_rsp },
  compound: null,
  lease: { proc: 50, request: m.gfx_lease_req, reply: m.gfx_lease_rsp },
  getactivelk: { proc: 51, request: m.gfx_getactivelk_req, reply: m.gfx_getactivelk_rsp },
  setactivelk: { proc: 52, request: m.gfx_setactivelk_req },
  icreate: { proc: 53, request: m.gfx_icreate_req },
  namelink: { proc: 54, request: m.gfx_namelink_req },
  put: { proc: 55, request: m.gfx_put_req, requestPayload: true },
  copy_file_range: { proc: 56, request: m.gfx_copy_file_range_req },
  getspec: null,
  forget: null,
} as const satisfies Record<WireFopName, Entry | null>;

type Entries = typeof ENTRIES;
/** Fops with a GFS4 procedure. */
export type Gfs4FopName = { [K in keyof Entries]: Entries[K] extends null ? never : K }[keyof Entries];

/** The generic replies, by how many iatts a result carries, and the GFS4 names of those iatts. */
const COMMON_REPLIES = [m.gfx_common_rsp, m.gfx_common_iatt_rsp, m.gfx_common_2iatt_rsp, m.gfx_common_3iatt_rsp] as const;
const COMMON_SLOTS = [[], ['stat'], ['prestat', 'poststat'], ['stat', 'preparent', 'postparent']] as const;
/** Descriptors a common reply does not carry: the inode is the client's, xdata is in every reply. */
const IMPLICIT = new Set(['inode', 'xdata?', 'iatt', 'iatt?']);

export type Gfs4CommonReply =
  | ReturnType<typeof m.gfx_common_rsp.decode>
  | ReturnType<typeof m.gfx_common_iatt_rsp.decode>
  | ReturnType<typeof m.gfx_common_2iatt_rsp.decode>
  | ReturnType<typeof m.gfx_common_3iatt_rsp.decode>
  | ReturnType<typeof m.gfx_common_dict_rsp.decode>;

/**
 * The reply layout of a fop from the fop table's result: n iatts and nothing else is
 * gfx_common_{,iatt,2iatt,3iatt}_rsp with the iatts in table order; a dict alone is
 * gfx_common_dict_rsp. Anything else needs a dedicated reply in ENTRIES.
 */
export function deriveReply(name: AnyFopName): { reply: Codec<Gfs4CommonReply>; iatts: Record<string, string>; dict?: string } | undefined {
  const spec = FOP_TABLE[name].result as Readonly<Record<string, string>>;
  const iattFields = Object.keys(spec).filter((k) => spec[k] === 'iatt' || spec[k] === 'iatt?');
  const others = Object.keys(spec).filter((k) => !IMPLICIT.has(spec[k]!));
  if (others.length === 0 && iattFields.length < COMMON_REPLIES.length) {
    const slots = COMMON_SLOTS[iattFields.length]!;
    return { reply: COMMON_REPLIES[iattFields.length]!, iatts: Object.fromEntries(iattFields.map((f, i) => [f, slots[i]!])) };
  }
  if (iattFields.length === 0 && others.length === 1 && spec[others[0]!] === 'dict') {
    return { reply: m.gfx_common_dict_rsp, iatts: {}, dict: others[0]! };
  }
  return undefined;
}

/** The request of a fop, as declared in ENTRIES. */
export type Gfs4Request<N extends Gfs4FopName> = Entries[N] extends { request: Codec<infer T> } ? T : never;
/** The reply of a fop: its dedicated reply, or one of the common replies derived from the fop table. */
export type Gfs4Reply<N extends Gfs4FopName> = Entries[N] extends { reply: Codec<infer R> } ? R : Gfs4CommonReply;
export type Gfs4Procedure<N extends Gfs4FopName> = Procedure<Gfs4Request<N>, Gfs4Reply<N>>;

/** Everything the wire needs to carry one fop. */
export interface Gfs4Fop<N extends Gfs4FopName = Gfs4FopName> {
  readonly fop: N;
  readonly procedure: Gfs4Procedure<N>;
  /** Result field (fop table) -> iattx field of the reply (GFS4). */
  readonly iatts: Readonly<Record<string, string>>;
  /** Result field carried by gfx_common_dict_rsp's dict, if any. */
  readonly dict?: string;
}

type Gfs4Table = { readonly [N in Gfs4FopName]: Gfs4Fop<N> };

function build(): Gfs4Table {
  const out: Partial<Record<Gfs4FopName, Gfs4Fop>> = {};
  for (const [name, e] of Object.entries(ENTRIES) as [keyof Entries, Entry | null][]) {
    if (!e) continue;
    const derived = e.reply ? undefined : deriveReply(name);
    const reply = e.reply ?? derived?.reply;
    if (!reply) throw new Error(`GFS4: no reply layout for ${name}: its result needs a dedicated reply`);
    const fop = name as Gfs4FopName;
    out[fop] = {
      fop,
      procedure: procedure(name, e.proc, e.request as Codec<never>, reply as Codec<never>, {
        argsPayload: e.requestPayload === true,
        replyPayload: e.replyPayload === true,
      }),
      iatts: e.iatts ?? derived?.iatts ?? {},
      ...(derived?.dict ? { dict: derived.dict } : {}),
    };
  }
  return out as unknown as Gfs4Table;
}

export const GFS4_FOPS: Gfs4Table = build();

export const GFS4 = defineProgram(
  'GlusterFS 4.x v1',
  GFS4_PROGRAM,
  GFS4_VERSION,
  Object.fromEntries(Object.values<Gfs4Fop>(GFS4_FOPS).map((f) => [f.fop, f.procedure])) as { [N in Gfs4FopName]: Gfs4Procedure<N> },
);

/** Fop name by GFS4 procedure number. */
export const GFS4_FOP_BY_PROC: ReadonlyMap<number, Gfs4FopName> = new Map(Object.values<Gfs4Fop>(GFS4_FOPS).map((f) => [f.procedure.proc, f.fop]));
