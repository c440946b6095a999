import { fails, type Register } from './context.js';

/** rename(2): over files and directories, across directories, and the refusals. */
export default function rename(test: Register): void {
  test('renaming a file over an existing file replaces it', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.writeFile(`${d}/a`, 'new');
    await fs.writeFile(`${d}/b`, 'old');
    const ino = (await fs.stat(`${d}/a`)).ino;
    await fs.rename(`${d}/a`, `${d}/b`);
    t.deepEqual(await fs.readdir(d), ['b']);
    t.is((await fs.readFile(`${d}/b`)).toString(), 'new');
    t.is((await fs.stat(`${d}/b`)).ino, ino);
    await fails(t, fs.stat(`${d}/a`), 'ENOENT');
    await fails(t, fs.rename(`${d}/a`, `${d}/c`), 'ENOENT');
  });

  test('renaming across directories moves files and whole directories', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.mkdir(`${d}/x`);
    await fs.mkdir(`${d}/y`);
    await fs.mkdir(`${d}/x/sub`);
    await fs.writeFile(`${d}/x/sub/f`, 'deep');
    await fs.writeFile(`${d}/x/g`, 'g');
    await fs.rename(`${d}/x/g`, `${d}/y/g2`);
    await fs.rename(`${d}/x/sub`, `${d}/y/sub`);
    t.deepEqual(await fs.readdir(`${d}/x`), []);
    t.deepEqual(await fs.readdir(`${d}/y`), ['g2', 'sub']);
    t.is((await fs.readFile(`${d}/y/sub/f`)).toString(), 'deep');
    await fs.writeFile(`${d}/y/sub/h`, 'after the move');
    t.deepEqual(await fs.readdir(`${d}/y/sub`), ['f', 'h']);
  });

  test('a directory replaces an empty directory but not a non-empty one', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.mkdir(`${d}/src`);
    await fs.writeFile(`${d}/src/f`, 'f');
    await fs.mkdir(`${d}/empty`);
    await fs.mkdir(`${d}/full`);
    await fs.writeFile(`${d}/full/x`, 'x');
    await fails(t, fs.rename(`${d}/src`, `${d}/full`), 'ENOTEMPTY');
    await fs.rename(`${d}/src`, `${d}/empty`);
    t.deepEqual(await fs.readdir(d), ['empty', 'full']);
    t.deepEqual(await fs.readdir(`${d}/empty`), ['f']);
  });

  test('a file and a directory cannot replace each other', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.mkdir(`${d}/dir`);
    await fs.writeFile(`${d}/file`, 'f');
    await fails(t, fs.rename(`${d}/file`, `${d}/dir`), 'EISDIR');
    await fails(t, fs.rename(`${d}/dir`, `${d}/file`), 'ENOTDIR');
    await fails(t, fs.rename(`${d}/dir`, `${d}/dir/inside`), 'EINVAL');
    t.deepEqual(await fs.readdir(d), ['dir', 'file']);
  });

  test('renaming onto itself or onto another link of the same file changes nothing', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.writeFile(`${d}/a`, 'same');
    await fs.rename(`${d}/a`, `${d}/a`);
    t.is((await fs.readFile(`${d}/a`)).toString(), 'same');
    await fs.link(`${d}/a`, `${d}/b`);
    await fs.rename(`${d}/a`, `${d}/b`);
    t.deepEqual(await fs.readdir(d), ['a', 'b']);
    t.is((await fs.stat(`${d}/b`)).nlink, 2);
    await fs.mkdir(`${d}/dir`);
    await fs.rename(`${d}/dir`, `${d}/dir`);
    t.is((await fs.stat(`${d}/dir`)).type, 'dir');
  });

  test('a symlink is renamed itself, not its target', async (t, { fs, scratch }) => {
    const d = await scratch();
    await fs.writeFile(`${d}/target`, 't');
    await fs.symlink('target', `${d}/link`);
    await fs.rename(`${d}/link`, `${d}/moved`);
    t.is(await fs.readlink(`${d}/moved`), 'target');
    t.deepEqual(await fs.readdir(d), ['moved', 'target']);
  });
}
