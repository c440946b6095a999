import fs from 'node:fs';
import { promisify } from 'node:util';

/** Promise forms of the fd calls that run on the thread pool (data I/O, sync, close; see meta.ts). */
export const kfd = {
  ftruncate: promisify(fs.ftruncate),
  fsync: promisify(fs.fsync),
  fdatasync: promisify(fs.fdatasync),
  close: promisify(fs.close),
  read: (fd: number, buf: Buffer, pos: number): Promise<number> =>
    new Promise((resolve, reject) => fs.read(fd, buf, 0, buf.length, pos, (err, n) => (err ? reject(err) : resolve(n)))),
  write: (fd: number, buf: Buffer, off: number, pos: number): Promise<number> =>
    new Promise((resolve, reject) => fs.write(fd, buf, off, buf.length - off, pos, (err, n) => (err ? reject(err) : resolve(n)))),
};
