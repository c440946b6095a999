/**
 * runtime/api: a path-based POSIX client over a graph (GlusterFS's libgfapi, glfs_*). See
 * README.md for the calls and how paths are resolved.
 */
export { VolumeClient } from './client.js';
export { FileHandle } from './handle.js';
export { gfidReq, Resolver, type Node, type EntryTarget } from './resolver.js';
export {
  MAX_SYMLINKS, SEEK_DATA, SEEK_HOLE, UTIME_NOW, UTIME_OMIT, XATTR_CREATE, XATTR_REPLACE, openFlags,
  type DirEntryPlus, type Identity, type TimeArg, type VolumeClientOptions,
} from './types.js';
