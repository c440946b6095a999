import { PIPE_BYTES } from '../../../runtime/core/pipe-bytes.js';
import { PipePool } from '../../../runtime/core/pipe-pool.js';
import { IdTable } from '../../../runtime/core/id-table.js';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { native, C } from '../../../native/index.js';
import { gfidFromBuffer, gfidToBuffer, isGfid, ROOT_GFID } from '../../../runtime/core/gfid.js';
import { gfsError } from '../../../runtime/diagnostics/index.js';
import { Brick } from './brick.js';
import { GFID_XATTR, readGfid, symlinkHandle, VOLUME_ID_XATTR } from './handles.js';
import { HIDDEN_DIR } from './names.js';
import { Resolver } from './resolve.js';
import { newSpareTable, type PosixSelf, type PosixState } from './state.js';

function octal(self: PosixSelf, key: 'create-mask' | 'create-directory-mask' | 'force-create-mode' | 'force-directory-mode'): number {
  const v = self.options[key];
  if (!/^0?[0-7]{1,4}$/.test(v) || parseInt(v, 8) > 0o777) {
    throw fail(self, `option ${key} must be an octal mode from 0000 to 0777, got ${JSON.stringify(v)}`);
  }
  return parseInt(v, 8);
}

function fail(self: PosixSelf, message: string, hint?: string, cause?: unknown) {
  return gfsError('XLATOR_INIT_FAILED', { message, volume: self.name, xlatorType: self.type, hint, cause });
}

/**
 * Open the brick as posix_init does: check the directory, the volume-id, the root gfid, create
 * `.glusterfs` and the root handle `.glusterfs/00/00/<root gfid>` -> `../../..`.
 */
export async function initPosix(self: PosixSelf): Promise<PosixState> {
  const dir = self.options.directory;
  let brick: Brick;
  try {
    brick = Brick.open(dir);
  } catch (err) {
    throw fail(self, `brick directory ${dir} cannot be opened: ${(err as Error).message}`, 'create the directory first', err);
  }
  try {
    const root = brick.proc(brick.rootFd);
    const fresh = !fs.existsSync(`${root}/${HIDDEN_DIR}`);
    await checkVolumeId(self, root, fresh);
    const rootGfid = readGfid(root);
    if (rootGfid === undefined) await native.lsetxattr(root, GFID_XATTR, gfidToBuffer(ROOT_GFID), C.XATTR_CREATE);
    else if (rootGfid !== ROOT_GFID) {
      throw fail(self, `brick directory ${dir} carries gfid ${rootGfid}, not the root gfid ${ROOT_GFID}: it is a directory of another brick`);
    }
    const hidden = `${root}/${HIDDEN_DIR}`;
    await fsp.mkdir(hidden, 0o600).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    if (!fs.lstatSync(hidden).isDirectory()) throw fail(self, `${dir}/${HIDDEN_DIR} is not a directory`);
    const resolver = new Resolver(brick);
    await symlinkHandle(resolver, ROOT_GFID, ROOT_GFID, '');
    return {
      brick,
      resolver,
      modes: {
        createMask: octal(self, 'create-mask'),
        dirMask: octal(self, 'create-directory-mask'),
        forceCreate: octal(self, 'force-create-mode'),
        forceDir: octal(self, 'force-directory-mode'),
      },
      maxHardlinks: self.options['max-hardlinks'],
      sharedBrickCount: self.options['shared-brick-count'],
      spareTable: newSpareTable(),
      openFds: new IdTable(),
      // 16: more READs than a mount keeps in flight.
      readPipes: new PipePool(PIPE_BYTES, 16),
      spliceReads: true,
      nowaitReads: true,
    };
  } catch (err) {
    brick.close();
    if ((err as { code?: string }).code === 'XLATOR_INIT_FAILED') throw err;
    throw fail(self, `brick ${dir} cannot be initialised: ${(err as Error).message}`, undefined, err);
  }
}

async function checkVolumeId(self: PosixSelf, root: string, fresh: boolean): Promise<void> {
  const want = self.options['volume-id'];
  if (want === undefined) return;
  const dir = self.options.directory;
  if (!isGfid(want.toLowerCase())) throw fail(self, `option volume-id ${JSON.stringify(want)} is not a UUID`);
  let have: string | undefined;
  try {
    const b = await native.lgetxattr(root, VOLUME_ID_XATTR);
    have = b.length === 16 ? gfidFromBuffer(b) : `<${b.length} bytes>`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENODATA') throw err;
  }
  if (have === undefined) {
    if (fresh) {
      await native.lsetxattr(root, VOLUME_ID_XATTR, gfidToBuffer(want.toLowerCase()), C.XATTR_CREATE);
      return;
    }
    throw fail(
      self,
      `brick ${dir} has no ${VOLUME_ID_XATTR} but option volume-id is ${want}`,
      `if this brick belongs to that volume: setfattr -n ${VOLUME_ID_XATTR} -v 0x${want.replace(/-/g, '')} ${dir}`,
    );
  }
  if (have !== want.toLowerCase()) {
    throw fail(
      self,
      `brick ${dir} belongs to volume ${have}, but option volume-id is ${want}: refusing to serve another volume's brick`,
      'check the volfile names the right brick directory',
    );
  }
}
