import { constants } from 'node:os';
import { FopError } from '../../../../runtime/core/fop-error.js';
import { FSYNC_FDATASYNC, GETATTR_FH, InitFlag, Op, READ_LOCKOWNER, WRITE_LOCKOWNER } from './abi.js';
import type { Reader } from './decode.js';
import { attrOut, DirBuffer, entryOut, lkOut, openOut, statfsOut, u32Out, u64Out } from './encode.js';
import type { AttrReply, ConnInfo, Entry, LkIn, RawFs, RequestContext, SetattrIn, Time } from './types.js';

const { ENOSYS, ERANGE } = constants.errno;


/** The reply payload: empty (success without data) or the pieces to write after the header. */
export type Reply = Buffer[];

function need<T>(fn: T | undefined): T {
  if (fn === undefined) throw FopError.of(ENOSYS);
  return fn;
}

const time = (sec: bigint, nsec: number): Time => ({ sec: Number(BigInt.asIntN(64, sec)), nsec });

function readSetattr(r: Reader): SetattrIn {
  const valid = r.u32();
  r.skip(4);
  const fh = r.u64();
  const size = r.num64();
  const lockOwner = r.u64();
  const atime = r.u64();
  const mtime = r.u64();
  const ctime = r.u64();
  const atimensec = r.u32();
  const mtimensec = r.u32();
  const ctimensec = r.u32();
  const mode = r.u32();
  r.skip(4);
  const uid = r.u32();
  const gid = r.u32();
  return { valid, fh, size, lockOwner, atime: time(atime, atimensec), mtime: time(mtime, mtimensec), ctime: time(ctime, ctimensec), mode, uid, gid };
}

function readLk(r: Reader): LkIn {
  const fh = r.u64();
  const owner = r.u64();
  const start = r.u64();
  const end = r.u64();
  const type = r.u32();
  const pid = r.u32();
  const lkFlags = r.u32();
  return { fh, owner, lk: { start, end, type, pid }, lkFlags };
}

/** Answer a getxattr/listxattr: size 0 asks for the length, a short buffer is ERANGE. */
function sized(value: Buffer, size: number): Reply {
  if (size === 0) return [u32Out(value.length)];
  if (value.length > size) throw new FopError(ERANGE);
  return [value];
}

/**
 * Decode one request body, call the filesystem, encode the reply. INIT, INTERRUPT, FORGET and
 * DESTROY are the session's business and never reach here.
 */
export function dispatch(fs: RawFs, conn: ConnInfo, ctx: RequestContext, r: Reader): Promise<Reply> {
  // The commonest requests skip the async function below: its frame, sized for every case's
  // locals, was the largest allocation of a LOOKUP (about 1 KiB per request).
  switch (ctx.opcode) {
    case Op.LOOKUP:
      return need(fs.lookup).call(fs, ctx, r.cstr()).then(entryReply);
    case Op.GETATTR: {
      const flags = r.remaining >= 16 ? r.u32() : 0;
      if (r.remaining >= 12) r.skip(4);
      const fh = r.remaining >= 8 ? r.u64() : 0n;
      return need(fs.getattr).call(fs, ctx, flags & GETATTR_FH ? fh : undefined).then(attrReply);
    }
    default:
      return dispatchOther(fs, conn, ctx, r);
  }
}

const entryReply = (e: Entry): Reply => [entryOut(e)];
const attrReply = (a: AttrReply): Reply => [attrOut(a.attr, a.attrValid)];

async function dispatchOther(fs: RawFs, conn: ConnInfo, ctx: RequestContext, r: Reader): Promise<Reply> {
  switch (ctx.opcode) {
    case Op.SETATTR:
      return attrReply(await need(fs.setattr).call(fs, ctx, readSetattr(r)));
    case Op.READLINK: {
      const t = await need(fs.readlink).call(fs, ctx);
      return [typeof t === 'string' ? Buffer.from(t, 'utf8') : t];
    }
    case Op.SYMLINK: {
      const name = r.cstr();
      return entryReply(await need(fs.symlink).call(fs, ctx, name, r.cstr()));
    }
    case Op.MKNOD: {
      const mode = r.u32();
      const rdev = r.u32();
      const umask = r.u32();
      r.skip(4);
      return entryReply(await need(fs.mknod).call(fs, ctx, r.cstr(), mode, rdev, umask));
    }
    case Op.MKDIR: {
      const mode = r.u32();
      const umask = r.u32();
      return entryReply(await need(fs.mkdir).call(fs, ctx, r.cstr(), mode, umask));
    }
    case Op.UNLINK:
      await need(fs.unlink).call(fs, ctx, r.cstr());
      return [];
    case Op.RMDIR:
      await need(fs.rmdir).call(fs, ctx, r.cstr());
      return [];
    case Op.RENAME:
    case Op.RENAME2: {
      const newdir = r.u64();
      let flags = 0;
      if (ctx.opcode === Op.RENAME2) {
        flags = r.u32();
        r.skip(4);
      }
      const name = r.cstr();
      await need(fs.rename).call(fs, ctx, name, newdir, r.cstr(), flags);
      return [];
    }
    case Op.LINK: {
      const old = r.u64();
      return entryReply(await need(fs.link).call(fs, ctx, old, r.cstr()));
    }
    case Op.OPEN:
    case Op.OPENDIR: {
      const flags = r.u32();
      const openFlags = r.u32();
      const fn = ctx.opcode === Op.OPEN ? fs.open : fs.opendir;
      // Without the method, opening always succeeds with fh 0 (as libfuse does).
      const o = fn ? await fn.call(fs, ctx, flags, openFlags) : { fh: 0n, openFlags: 0 };
      return [openOut(o.fh, o.openFlags)];
    }
    case Op.READ: {
      const fh = r.u64();
      const offset = r.num64();
      const size = r.u32();
      const readFlags = r.u32();
      const owner = r.u64();
      return [await need(fs.read).call(fs, ctx, fh, offset, size, readFlags & READ_LOCKOWNER ? owner : undefined)];
    }
    case Op.WRITE: {
      const fh = r.u64();
      const offset = r.num64();
      const size = r.u32();
      const writeFlags = r.u32();
      const owner = r.u64();
      r.skip(8); // flags, padding
      const data = r.bytes(size);
      const n = await need(fs.write).call(fs, ctx, fh, offset, data, writeFlags, writeFlags & WRITE_LOCKOWNER ? owner : undefined);
      return [u32Out(n)];
    }
    case Op.STATFS:
      return [statfsOut(await need(fs.statfs).call(fs, ctx))];
    case Op.RELEASE:
    case Op.RELEASEDIR: {
      const fh = r.u64();
      const flags = r.u32();
      const releaseFlags = r.u32();
      const owner = r.u64();
      if (ctx.opcode === Op.RELEASE) await fs.release?.(ctx, fh, flags, releaseFlags, owner);
      else await fs.releasedir?.(ctx, fh);
      return [];
    }
    case Op.FSYNC:
    case Op.FSYNCDIR: {
      const fh = r.u64();
      const datasync = (r.u32() & FSYNC_FDATASYNC) !== 0;
      await need(ctx.opcode === Op.FSYNC ? fs.fsync : fs.fsyncdir).call(fs, ctx, fh, datasync);
      return [];
    }
    case Op.SETXATTR: {
      const size = r.u32();
      const flags = r.u32();
      if (conn.flags & InitFlag.SETXATTR_EXT) r.skip(8);
      const name = r.cstr();
      await need(fs.setxattr).call(fs, ctx, name, r.bytes(size), flags);
      return [];
    }
    case Op.GETXATTR: {
      const size = r.u32();
      r.skip(4);
      return sized(await need(fs.getxattr).call(fs, ctx, r.cstr()), size);
    }
    case Op.LISTXATTR: {
      const size = r.u32();
      const names = await need(fs.listxattr).call(fs, ctx);
      return sized(Buffer.from(names.map((n) => `${n}\0`).join(''), 'utf8'), size);
    }
    case Op.REMOVEXATTR:
      await need(fs.removexattr).call(fs, ctx, r.cstr());
      return [];
    case Op.FLUSH: {
      const fh = r.u64();
      r.skip(8);
      await fs.flush?.(ctx, fh, r.u64());
      return [];
    }
    case Op.READDIR:
    case Op.READDIRPLUS: {
      const fh = r.u64();
      const offset = r.u64();
      const size = r.u32();
      const list = new DirBuffer(size, ctx.opcode === Op.READDIRPLUS);
      await need(fs.readdir).call(fs, ctx, fh, offset, list);
      return [list.bytes()];
    }
    case Op.GETLK:
      return [lkOut(await need(fs.getlk).call(fs, ctx, readLk(r)))];
    case Op.SETLK:
    case Op.SETLKW:
      await need(fs.setlk).call(fs, ctx, readLk(r), ctx.opcode === Op.SETLKW);
      return [];
    case Op.ACCESS:
      await need(fs.access).call(fs, ctx, r.u32());
      return [];
    case Op.CREATE: {
      const flags = r.u32();
      const mode = r.u32();
      const umask = r.u32();
      const openFlags = r.u32();
      const c = await need(fs.create).call(fs, ctx, r.cstr(), flags, mode, umask, openFlags);
      return [entryOut(c.entry), openOut(c.open.fh, c.open.openFlags)];
    }
    case Op.BMAP: {
      const block = r.u64();
      return [u64Out(await need(fs.bmap).call(fs, ctx, block, r.u32()))];
    }
    case Op.FALLOCATE: {
      const fh = r.u64();
      const offset = r.num64();
      const length = r.num64();
      await need(fs.fallocate).call(fs, ctx, fh, offset, length, r.u32());
      return [];
    }
    case Op.LSEEK: {
      const fh = r.u64();
      const offset = r.num64();
      return [u64Out(BigInt(await need(fs.lseek).call(fs, ctx, fh, offset, r.u32())))];
    }
    case Op.COPY_FILE_RANGE: {
      const inp = { fhIn: r.u64(), offIn: r.num64(), nodeidOut: r.u64(), fhOut: r.u64(), offOut: r.num64(), len: r.num64(), flags: Number(r.u64()) };
      return [u32Out(await need(fs.copyFileRange).call(fs, ctx, inp))];
    }
    default:
      // IOCTL, POLL, SYNCFS, TMPFILE, DAX mappings, NOTIFY_REPLY: not offered. The kernel asks
      // again every time (an IOCTL for each isatty(3)): the shared answer, thrown after a turn so
      // that the caller holds this promise first (ARCHITECTURE.md, "One fop table drives everything").
      await undefined;
      throw FopError.of(ENOSYS);
  }
}
