import { Dict } from '../core/dict.js';
import { E, FopError } from '../core/fop-error.js';
import type { Frame } from '../core/frame.js';
import type { BoundFops } from '../fops/signatures.js';
import type { Node } from './resolver.js';

/**
 * Extended attributes by path (glfs_*xattr): the plain forms follow a final symlink, the l-forms
 * do not. Values are raw bytes; flags are XATTR_CREATE / XATTR_REPLACE.
 */
export abstract class XattrOps {
  abstract frame(): Frame;
  protected abstract get fops(): BoundFops;
  protected abstract node(path: string, follow: boolean): Promise<Node>;

  async setxattr(path: string, name: string, value: Buffer | string, flags = 0, follow = true): Promise<void> {
    const dict = new Dict().setBin(name, typeof value === 'string' ? Buffer.from(value) : value);
    await this.fops.setxattr(this.frame(), { loc: (await this.node(path, follow)).loc, dict, flags });
  }

  /** One attribute's value; ENODATA when it is not set. */
  async getxattr(path: string, name: string, follow = true): Promise<Buffer> {
    const { dict } = await this.fops.getxattr(this.frame(), { loc: (await this.node(path, follow)).loc, name });
    const v = dict.getBin(name);
    if (!v) throw new FopError(E.ENODATA, name);
    return v;
  }

  async listxattr(path: string, follow = true): Promise<string[]> {
    const { dict } = await this.fops.getxattr(this.frame(), { loc: (await this.node(path, follow)).loc });
    return [...dict.keys()];
  }

  async removexattr(path: string, name: string, follow = true): Promise<void> {
    await this.fops.removexattr(this.frame(), { loc: (await this.node(path, follow)).loc, name });
  }

  lsetxattr(path: string, name: string, value: Buffer | string, flags = 0): Promise<void> {
    return this.setxattr(path, name, value, flags, false);
  }

  lgetxattr(path: string, name: string): Promise<Buffer> {
    return this.getxattr(path, name, false);
  }

  llistxattr(path: string): Promise<string[]> {
    return this.listxattr(path, false);
  }

  lremovexattr(path: string, name: string): Promise<void> {
    return this.removexattr(path, name, false);
  }
}
