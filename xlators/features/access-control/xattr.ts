import { Dict } from '../../../runtime/core/dict.js';
import { E, FopError } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import { IaType } from '../../../runtime/core/iatt.js';
import type { Inode } from '../../../runtime/core/inode.js';
import type { FopArgs, FopResult } from '../../../runtime/fops/signatures.js';
import { ctxOf, permits, privileged, R, W, type AclSelf } from './perm.js';

const ACL_KEYS = new Set(['system.posix_acl_access', 'system.posix_acl_default', 'glusterfs.posix.acl', 'glusterfs.posix.default_acl']);
/** Namespaces only the super user may see or change (xattr(7): trusted needs CAP_SYS_ADMIN). */
const privilegedKey = (key: string) => key.startsWith('trusted.') || key.startsWith('security.');

/**
 * Who may change an xattr (setxattr_scrutiny plus the kernel's xattr_permission):
 * trusted.* and security.* the super user only (EPERM); ACL keys the owner (EPERM); user.* only
 * on regular files and directories (EPERM elsewhere), with write permission (EACCES).
 */
async function mayChange(self: AclSelf, frame: Frame, inode: Inode | undefined, gfid: string | undefined, keys: Iterable<string>): Promise<void> {
  const list = [...keys];
  const ctx = await ctxOf(self, frame, inode, gfid);
  for (const key of list) {
    if (key.startsWith('user.') && ctx.type !== IaType.REG && ctx.type !== IaType.DIR) throw new FopError(E.EPERM, 'user xattrs only on files and directories');
  }
  if (privileged(self, frame)) return;
  if (list.some(privilegedKey)) throw new FopError(E.EPERM, `${list.find(privilegedKey)} needs the super user`);
  if (list.some((k) => ACL_KEYS.has(k))) {
    if (frame.uid !== ctx.uid) throw new FopError(E.EPERM, 'only the owner may change ACLs');
    return;
  }
  if (!permits(self, frame, ctx, W)) throw new FopError(E.EACCES);
}

/** Reading needs read permission; a trusted.* key is invisible to others (ENODATA), as on Linux. */
async function mayRead(self: AclSelf, frame: Frame, inode: Inode | undefined, gfid: string | undefined, name: string | undefined): Promise<void> {
  if (privileged(self, frame)) return;
  if (name?.startsWith('trusted.')) throw new FopError(E.ENODATA);
  const ctx = await ctxOf(self, frame, inode, gfid);
  if (!permits(self, frame, ctx, R)) throw new FopError(E.EACCES);
}

/** A full listing for an ordinary user leaves out the keys they may not see. */
function visible(self: AclSelf, frame: Frame, name: string | undefined, dict: Dict): Dict {
  if (name || privileged(self, frame)) return dict;
  const out = new Dict();
  for (const [k, v] of dict) if (!k.startsWith('trusted.')) out.set(k, v);
  return out;
}

export async function setxattr(self: AclSelf, frame: Frame, a: FopArgs<'setxattr'>): Promise<FopResult<'setxattr'>> {
  await mayChange(self, frame, a.loc.inode, a.loc.gfid, a.dict.keys());
  return self.firstChild!.fops.setxattr(frame, a);
}

export async function fsetxattr(self: AclSelf, frame: Frame, a: FopArgs<'fsetxattr'>): Promise<FopResult<'fsetxattr'>> {
  await mayChange(self, frame, a.fd.inode, undefined, a.dict.keys());
  return self.firstChild!.fops.fsetxattr(frame, a);
}

export async function removexattr(self: AclSelf, frame: Frame, a: FopArgs<'removexattr'>): Promise<FopResult<'removexattr'>> {
  await mayChange(self, frame, a.loc.inode, a.loc.gfid, [a.name]);
  return self.firstChild!.fops.removexattr(frame, a);
}

export async function fremovexattr(self: AclSelf, frame: Frame, a: FopArgs<'fremovexattr'>): Promise<FopResult<'fremovexattr'>> {
  await mayChange(self, frame, a.fd.inode, undefined, [a.name]);
  return self.firstChild!.fops.fremovexattr(frame, a);
}

export async function getxattr(self: AclSelf, frame: Frame, a: FopArgs<'getxattr'>): Promise<FopResult<'getxattr'>> {
  await mayRead(self, frame, a.loc.inode, a.loc.gfid, a.name);
  const res = await self.firstChild!.fops.getxattr(frame, a);
  return { ...res, dict: visible(self, frame, a.name, res.dict) };
}

/** Through an fd the open already decided; only the namespace rule applies. */
export async function fgetxattr(self: AclSelf, frame: Frame, a: FopArgs<'fgetxattr'>): Promise<FopResult<'fgetxattr'>> {
  if (!privileged(self, frame) && a.name && a.name.startsWith('trusted.')) throw new FopError(E.ENODATA);
  const res = await self.firstChild!.fops.fgetxattr(frame, a);
  return { ...res, dict: visible(self, frame, a.name, res.dict) };
}

