import test from 'ava';
import { FOP_TABLE, type AnyFopName } from '../../runtime/fops/table.js';
import * as m from '../../rpc/programs/gfs4-messages.js';
import { GFS4, GFS4_FOPS, GFS4_FOP_BY_PROC, deriveReply, type Gfs4FopName } from '../../rpc/programs/gfs4.js';

/** gf_fop_procnum order (protocol-common.h): GFS3_OP_NULL is 0, compound 49 is gone in 4.x. */
const PROCNUM = [
  'stat', 'readlink', 'mknod', 'mkdir', 'unlink', 'rmdir', 'symlink', 'rename', 'link', 'truncate', 'open', 'readv', 'writev',
  'statfs', 'flush', 'fsync', 'setxattr', 'getxattr', 'removexattr', 'opendir', 'fsyncdir', 'access', 'create', 'ftruncate',
  'fstat', 'lk', 'lookup', 'readdir', 'inodelk', 'finodelk', 'entrylk', 'fentrylk', 'xattrop', 'fxattrop', 'fgetxattr',
  'fsetxattr', 'rchecksum', 'setattr', 'fsetattr', 'readdirp', 'release', 'releasedir', 'fremovexattr', 'fallocate', 'discard',
  'zerofill', 'ipc', 'seek', 'compound', 'lease', 'getactivelk', 'setactivelk', 'icreate', 'namelink', 'put', 'copy_file_range',
];

test('every fop the runtime has that GFS4 defines is a procedure, numbered as GlusterFS numbers them', (t) => {
  const wire = (Object.keys(FOP_TABLE) as AnyFopName[]).filter((n) => !['forget', 'getspec', 'compound'].includes(n));
  t.deepEqual(Object.keys(GFS4_FOPS).sort(), wire.sort());
  for (const [name, f] of Object.entries(GFS4_FOPS)) {
    t.is(f.procedure.proc, PROCNUM.indexOf(name) + 1, name);
    t.is(GFS4_FOP_BY_PROC.get(f.procedure.proc) as string | undefined, name);
  }
  t.is(GFS4.byNumber.size, wire.length);
});

/** The reply each fop's callback decodes in GlusterFS's client (client-rpc-fops_v2.c). */
const CLIENT_EXPECTS: Partial<Record<Gfs4FopName, unknown>> = {
  lookup: m.gfx_common_2iatt_rsp, stat: m.gfx_common_iatt_rsp, fstat: m.gfx_common_iatt_rsp, mknod: m.gfx_common_3iatt_rsp,
  mkdir: m.gfx_common_3iatt_rsp, symlink: m.gfx_common_3iatt_rsp, link: m.gfx_common_3iatt_rsp, unlink: m.gfx_common_2iatt_rsp,
  rmdir: m.gfx_common_2iatt_rsp, truncate: m.gfx_common_2iatt_rsp, writev: m.gfx_common_2iatt_rsp, fsync: m.gfx_common_2iatt_rsp,
  setattr: m.gfx_common_2iatt_rsp, fsetattr: m.gfx_common_2iatt_rsp, fallocate: m.gfx_common_2iatt_rsp, flush: m.gfx_common_rsp,
  setxattr: m.gfx_common_rsp, getxattr: m.gfx_common_dict_rsp, fgetxattr: m.gfx_common_dict_rsp, xattrop: m.gfx_common_dict_rsp,
  fxattrop: m.gfx_common_dict_rsp, inodelk: m.gfx_common_rsp, entrylk: m.gfx_common_rsp, release: m.gfx_common_rsp,
  put: m.gfx_common_3iatt_rsp, copy_file_range: m.gfx_common_3iatt_rsp, icreate: m.gfx_common_iatt_rsp, namelink: m.gfx_common_2iatt_rsp,
  open: m.gfx_open_rsp, opendir: m.gfx_open_rsp, create: m.gfx_create_rsp, readv: m.gfx_read_rsp, rename: m.gfx_rename_rsp,
  readdirp: m.gfx_readdirp_rsp, lk: m.gfx_lk_rsp, seek: m.gfx_seek_rsp, setactivelk: m.gfx_common_rsp,
};

test('replies derived from the fop table are the ones GlusterFS clients decode', (t) => {
  for (const [name, codec] of Object.entries(CLIENT_EXPECTS)) t.is(GFS4_FOPS[name as Gfs4FopName].procedure.reply as unknown, codec, name);
});

test('derived replies map each result iatt to its wire field in table order', (t) => {
  t.deepEqual(GFS4_FOPS.lookup.iatts, { buf: 'prestat', postparent: 'poststat' });
  t.deepEqual(GFS4_FOPS.mkdir.iatts, { buf: 'stat', preparent: 'preparent', postparent: 'postparent' });
  t.deepEqual(GFS4_FOPS.unlink.iatts, { preparent: 'prestat', postparent: 'poststat' });
  t.is(GFS4_FOPS.getxattr.dict, 'dict');
  t.is(deriveReply('rename'), undefined, 'five iatts need the dedicated rename reply');
  t.is(deriveReply('readv'), undefined, 'read data needs the dedicated read reply');
});

test('only write, put (requests) and read (reply) carry data after the body', (t) => {
  const args = Object.values(GFS4_FOPS).filter((f) => f.procedure.argsPayload).map((f) => f.fop).sort();
  const replies = Object.values(GFS4_FOPS).filter((f) => f.procedure.replyPayload).map((f) => f.fop);
  t.deepEqual(args, ['put', 'writev']);
  t.deepEqual(replies, ['readv']);
});
