import fs, { type BigIntStats } from 'node:fs';
import { promisify } from 'node:util';

/** Promise forms of the fd calls (Node's fs/promises only offers them on FileHandle objects). */
export const kfd = {
  ftruncate: promisify(fs.ftruncate),
  fsync: promisify(fs.fsync),
  fdatasync: promisify(fs.fdatasync),
  fchmod: promisify(fs.fchmod),
  fchown: promisify(fs.fchown),
  close: promisify(fs.close),
  fstat: (fd: number): Promise<BigIntStats> =>
    new Promise((resolve, reject) => fs.fstat(fd, { bigint: true }, (err, st) => (err ? reject(err) : resolve(st)))),
  read: (fd: number, buf: Buffer, pos: number): Promise<number> =>
    new Promise((resolve, reject) => fs.read(fd, buf, 0, buf.length, pos, (err, n) => (err ? reject(err) : resolve(n)))),
  write: (fd: number, buf: Buffer, off: number, pos: number): Promise<number> =>
    new Promise((resolve, reject) => fs.write(fd, buf, off, buf.length - off, pos, (err, n) => (err ? reject(err) : resolve(n)))),
};
