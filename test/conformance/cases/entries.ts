import { fails, withHandle, type Register } from './context.js';

/** Files, directories, symlinks, hard links, fifos and device nodes. */
export default function entries(test: Register): void {
  test('a file is written, read back, overwritten and appended to', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.writeFile(`${d}/f`, 'hello world');
    t.is((await fs.readFile(`${d}/f`)).toString(), 'hello world');
    const st = await fs.stat(`${d}/f`);
    t.is(st.type, 'file');
    t.is(st.size, 11);
    t.is(st.nlink, 1);
    await fs.writeFile(`${d}/f`, 'bye');
    t.is((await fs.readFile(`${d}/f`)).toString(), 'bye');
    await withHandle(fs, `${d}/f`, 'a', (h) => h.write(Buffer.from('!'), 0));
    t.is((await fs.readFile(`${d}/f`)).toString(), 'bye!');
    await fails(t, fs.open(`${d}/f`, 'wx'), 'EEXIST');
    await fails(t, fs.readFile(`${d}/missing`), 'ENOENT');
    await fs.unlink(`${d}/f`);
    await fails(t, fs.stat(`${d}/f`), 'ENOENT');
    await fails(t, fs.unlink(`${d}/f`), 'ENOENT');
  });

  test('new files and directories get the mode asked for, less the umask', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.writeFile(`${d}/f`, '', 0o640);
    t.is((await fs.stat(`${d}/f`)).mode, 0o640);
    await fs.mkdir(`${d}/sub`, 0o777);
    t.is((await fs.stat(`${d}/sub`)).mode, 0o755);
    t.is((await fs.stat(`${d}/f`)).uid, 0);
  });

  test('directories nest, list their entries and refuse misuse', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.mkdir(`${d}/a`);
    await fs.mkdir(`${d}/a/b`);
    await fs.writeFile(`${d}/a/b/f`, 'x');
    await fs.writeFile(`${d}/a/g`, 'y');
    t.deepEqual(await fs.readdir(`${d}/a`), ['b', 'g']);
    t.is((await fs.stat(`${d}/a/b`)).type, 'dir');
    await fails(t, fs.mkdir(`${d}/a`), 'EEXIST');
    await fails(t, fs.rmdir(`${d}/a`), 'ENOTEMPTY');
    await fails(t, fs.rmdir(`${d}/a/g`), 'ENOTDIR');
    await fails(t, fs.unlink(`${d}/a/b`), 'EISDIR');
    await fails(t, fs.readdir(`${d}/a/g`), 'ENOTDIR');
    await fails(t, fs.stat(`${d}/a/g/x`), 'ENOTDIR');
    await fails(t, fs.mkdir(`${d}/nope/x`), 'ENOENT');
    await fs.unlink(`${d}/a/b/f`);
    await fs.rmdir(`${d}/a/b`);
    t.deepEqual(await fs.readdir(`${d}/a`), ['g']);
  });

  test('a directory with many entries is listed completely', async (t, { fs, scratch }) => {
    const d = await scratch();
    const names = Array.from({ length: 600 }, (_, i) => `entry-${i}-${'x'.repeat(i % 50)}`);
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => fs.writeFile(`${d}/${n}`, n)));
    t.deepEqual(await fs.readdir(d), [...names].sort());
  });

  test('names of the full 255 bytes are created, listed, renamed and removed; 256 bytes are refused', async (t, { fs, scratch }) => {
    const d = await scratch();
    const long = 'L'.repeat(255);
    const other = 'm'.repeat(255);
    await fs.writeFile(`${d}/${long}`, 'long');
    await fs.mkdir(`${d}/${'D'.repeat(255)}`);
    t.is((await fs.stat(`${d}/${long}`)).size, 4);
    t.deepEqual(await fs.readdir(d), ['D'.repeat(255), long]);
    await fs.rename(`${d}/${long}`, `${d}/${other}`);
    t.is((await fs.readFile(`${d}/${other}`)).toString(), 'long');
    await fails(t, fs.writeFile(`${d}/${'x'.repeat(256)}`, 'no'), 'ENAMETOOLONG');
    await fs.unlink(`${d}/${other}`);
    await fs.rmdir(`${d}/${'D'.repeat(255)}`);
    t.deepEqual(await fs.readdir(d), []);
  });

  test('symlinks are followed by stat and open but not by lstat and readlink', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.mkdir(`${d}/dir`);
    await fs.writeFile(`${d}/dir/target`, 'through the link');
    await fs.symlink('dir/target', `${d}/rel`);
    await fs.symlink('../dir', `${d}/dir/up`);
    await fs.symlink('nowhere', `${d}/dangling`);
    t.is(await fs.readlink(`${d}/rel`), 'dir/target');
    t.is((await fs.lstat(`${d}/rel`)).type, 'symlink');
    t.is((await fs.lstat(`${d}/rel`)).size, 'dir/target'.length);
    t.is((await fs.stat(`${d}/rel`)).type, 'file');
    t.is((await fs.readFile(`${d}/rel`)).toString(), 'through the link');
    t.is((await fs.readFile(`${d}/dir/up/target`)).toString(), 'through the link');
    t.deepEqual(await fs.readdir(`${d}/dir/up`), ['target', 'up']);
    await fails(t, fs.stat(`${d}/dangling`), 'ENOENT');
    t.is((await fs.lstat(`${d}/dangling`)).type, 'symlink');
    await fails(t, fs.readlink(`${d}/dir/target`), 'EINVAL');
    await fs.unlink(`${d}/rel`);
    t.is((await fs.readFile(`${d}/dir/target`)).toString(), 'through the link');
  });

  test('a symlink loop ends in ELOOP', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.symlink('b', `${d}/a`);
    await fs.symlink('a', `${d}/b`);
    await fails(t, fs.stat(`${d}/a`), 'ELOOP');
    await fails(t, fs.readFile(`${d}/b`), 'ELOOP');
    t.is(await fs.readlink(`${d}/a`), 'b');
  });

  test('hard links share the inode and its data until the last name goes', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.mkdir(`${d}/other`);
    await fs.writeFile(`${d}/f`, 'shared');
    await fs.link(`${d}/f`, `${d}/other/g`);
    const [a, b] = [await fs.stat(`${d}/f`), await fs.stat(`${d}/other/g`)];
    t.is(a.ino, b.ino);
    t.is(a.nlink, 2);
    await withHandle(fs, `${d}/other/g`, 'r+', (h) => h.write(Buffer.from('SH'), 0));
    t.is((await fs.readFile(`${d}/f`)).toString(), 'SHared');
    await fails(t, fs.link(`${d}/f`, `${d}/other/g`), 'EEXIST');
    await fails(t, fs.link(`${d}/other`, `${d}/dirlink`), 'EPERM');
    await fs.unlink(`${d}/f`);
    t.is((await fs.stat(`${d}/other/g`)).nlink, 1);
    t.is((await fs.readFile(`${d}/other/g`)).toString(), 'SHared');
  });

  test('fifos and device nodes are created with their type, mode and device number', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.mkfifo(`${d}/fifo`, 0o640);
    const fifo = await fs.stat(`${d}/fifo`);
    t.is(fifo.type, 'fifo');
    t.is(fifo.mode, 0o640);
    await fs.mknod(`${d}/fifo2`, 0o010000 | 0o600, 0);
    t.is((await fs.lstat(`${d}/fifo2`)).type, 'fifo');
    const rdev = (1 << 8) | 3; // makedev(1, 3): /dev/null's numbers
    await fs.mknod(`${d}/null`, 0o020000 | 0o644, rdev);
    const dev = await fs.lstat(`${d}/null`);
    t.is(dev.type, 'char');
    t.is(dev.rdev, rdev);
    t.deepEqual(await fs.readdir(d), ['fifo', 'fifo2', 'null']);
    await fs.unlink(`${d}/fifo`);
    await fs.unlink(`${d}/null`);
    t.deepEqual(await fs.readdir(d), ['fifo2']);
  });
}
