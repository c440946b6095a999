import { XATTR_CREATE, XATTR_REPLACE } from '../fs.js';
import { fails, type Register } from './context.js';

const userKeys = (keys: string[]) => keys.filter((k) => k.startsWith('user.')).sort();

/** Extended attributes in the user namespace, and who may touch which. */
export default function xattrs(test: Register): void {
  test('user xattrs are set, read, listed and removed', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.writeFile(`${d}/f`, 'f');
    const binary = Buffer.from([0, 1, 2, 255, 0, 42]);
    await fs.setxattr(`${d}/f`, 'user.text', Buffer.from('value'));
    await fs.setxattr(`${d}/f`, 'user.binary', binary);
    await fs.setxattr(`${d}/f`, 'user.empty', Buffer.alloc(0));
    t.is((await fs.getxattr(`${d}/f`, 'user.text')).toString(), 'value');
    t.deepEqual(await fs.getxattr(`${d}/f`, 'user.binary'), binary);
    t.is((await fs.getxattr(`${d}/f`, 'user.empty')).length, 0);
    t.deepEqual(userKeys(await fs.listxattr(`${d}/f`)), ['user.binary', 'user.empty', 'user.text']);
    await fs.removexattr(`${d}/f`, 'user.text');
    await fails(t, fs.getxattr(`${d}/f`, 'user.text'), 'ENODATA');
    await fails(t, fs.removexattr(`${d}/f`, 'user.text'), 'ENODATA');
    t.deepEqual(userKeys(await fs.listxattr(`${d}/f`)), ['user.binary', 'user.empty']);
    await fs.mkdir(`${d}/dir`);
    await fs.setxattr(`${d}/dir`, 'user.on-dir', Buffer.from('d'));
    t.is((await fs.getxattr(`${d}/dir`, 'user.on-dir')).toString(), 'd');
  });

  test('XATTR_CREATE refuses an existing xattr and XATTR_REPLACE a missing one', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.writeFile(`${d}/f`, 'f');
    await fs.setxattr(`${d}/f`, 'user.k', Buffer.from('1'), XATTR_CREATE);
    await fails(t, fs.setxattr(`${d}/f`, 'user.k', Buffer.from('2'), XATTR_CREATE), 'EEXIST');
    await fs.setxattr(`${d}/f`, 'user.k', Buffer.from('3'), XATTR_REPLACE);
    await fails(t, fs.setxattr(`${d}/f`, 'user.other', Buffer.from('4'), XATTR_REPLACE), 'ENODATA');
    t.is((await fs.getxattr(`${d}/f`, 'user.k')).toString(), '3');
  });

  test('changing xattrs needs write permission, and trusted ones need root', async (t, { fs, scratch, a }) => {
    const d = await scratch(0o777);
    const ua = await a();
    await fs.writeFile(`${d}/roots`, 'r', 0o644);
    await fs.setxattr(`${d}/roots`, 'user.k', Buffer.from('root'));
    t.is((await ua.getxattr(`${d}/roots`, 'user.k')).toString(), 'root');
    await fails(t, ua.setxattr(`${d}/roots`, 'user.k', Buffer.from('a')), 'EACCES');
    await fails(t, ua.removexattr(`${d}/roots`, 'user.k'), 'EACCES');
    await ua.writeFile(`${d}/mine`, 'a');
    await ua.setxattr(`${d}/mine`, 'user.k', Buffer.from('a'));
    t.is((await fs.getxattr(`${d}/mine`, 'user.k')).toString(), 'a');
    await fails(t, ua.setxattr(`${d}/mine`, 'trusted.k', Buffer.from('a')), 'EPERM');
    await fs.setxattr(`${d}/mine`, 'trusted.k', Buffer.from('t'));
    t.is((await fs.getxattr(`${d}/mine`, 'trusted.k')).toString(), 't');
    t.false((await ua.listxattr(`${d}/mine`)).includes('trusted.k'));
    await fs.chmod(`${d}/roots`, 0o600);
    await fails(t, ua.getxattr(`${d}/roots`, 'user.k'), 'EACCES');
  });
}
