/**
 * GlusterFS's virtual xattrs that translators answer themselves rather than read from a brick
 * file (glusterfs.h): which brick holds an object (pathinfo) and where a name's link file
 * points (linkinfo). `getfattr -n trusted.glusterfs.pathinfo FILE` on a mount is how operators
 * and tools find a file's brick; `glusterfs.pathinfo` is the same for users without
 * CAP_SYS_ADMIN (the kernel hides trusted.* from them).
 */
export const PATHINFO_KEY = 'trusted.glusterfs.pathinfo';
export const USER_PATHINFO_KEY = 'glusterfs.pathinfo';
export const LINKINFO_KEY = 'trusted.distribute.linkinfo';

/**
 * XATTR_IS_PATHINFO: strncmp(name, key, strlen(name)) == 0 for either key, so any leading part
 * of one ("trusted.glusterfs.path") asks for it too, as on GlusterFS.
 */
export function isPathinfoKey(name: string | undefined): name is string {
  return !!name && (PATHINFO_KEY.startsWith(name) || USER_PATHINFO_KEY.startsWith(name));
}
