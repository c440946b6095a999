import { R_OK, W_OK, X_OK } from '../fs.js';
import { fails, type Register } from './context.js';

/** Permissions and ownership, checked as ordinary users A (1000, also in 1002) and B (1001). */
export default function permissions(test: Register): void {
  test('a 0600 root file cannot be read, written or truncated by another user', async (t, { fs, scratch, a }) => {
    const d = await scratch(0o755);
    await fs.writeFile(`${d}/secret`, 'root only', 0o600);
    const ua = await a();
    t.is((await ua.stat(`${d}/secret`)).mode, 0o600);
    await fails(t, ua.readFile(`${d}/secret`), 'EACCES');
    await fails(t, ua.writeFile(`${d}/secret`, 'mine'), 'EACCES');
    await fails(t, ua.open(`${d}/secret`, 'r+'), 'EACCES');
    await fails(t, ua.truncate(`${d}/secret`, 0), 'EACCES');
    await fails(t, ua.access(`${d}/secret`, R_OK), 'EACCES');
    await fs.chmod(`${d}/secret`, 0o644);
    t.is((await ua.readFile(`${d}/secret`)).toString(), 'root only');
    await fails(t, ua.writeFile(`${d}/secret`, 'mine'), 'EACCES');
    t.is((await fs.readFile(`${d}/secret`)).toString(), 'root only');
  });

  test('directory permissions govern creating, removing, looking up and listing', async (t, { fs, scratch, a }) => {
    const ua = await a();
    const ro = await scratch(0o755);
    await fs.writeFile(`${ro}/f`, 'f');
    await fails(t, ua.writeFile(`${ro}/new`, 'x'), 'EACCES');
    await fails(t, ua.mkdir(`${ro}/sub`), 'EACCES');
    await fails(t, ua.symlink('f', `${ro}/l`), 'EACCES');
    await fails(t, ua.mkfifo(`${ro}/p`, 0o644), 'EACCES');
    await fails(t, ua.unlink(`${ro}/f`), 'EACCES');
    await fails(t, ua.rename(`${ro}/f`, `${ro}/g`), 'EACCES');
    const closed = await scratch(0o700);
    await fs.writeFile(`${closed}/f`, 'f');
    await fails(t, ua.stat(`${closed}/f`), 'EACCES');
    await fails(t, ua.readdir(closed), 'EACCES');
    const searchOnly = await scratch(0o711);
    await fs.writeFile(`${searchOnly}/f`, 'visible', 0o644);
    t.is((await ua.readFile(`${searchOnly}/f`)).toString(), 'visible');
    await fails(t, ua.readdir(searchOnly), 'EACCES');
    const open = await scratch(0o777);
    await ua.writeFile(`${open}/mine`, 'x');
    await ua.mkdir(`${open}/mydir`);
    const st = await fs.stat(`${open}/mine`);
    t.is(st.uid, 1000);
    t.is(st.gid, 1000);
    t.is((await fs.stat(`${open}/mydir`)).uid, 1000);
    await fs.writeFile(`${open}/roots`, 'r');
    await ua.unlink(`${open}/roots`);
    t.deepEqual(await ua.readdir(open), ['mine', 'mydir']);
    // Moving a directory to another parent rewrites its `..`: that needs write on the directory.
    await fs.mkdir(`${open}/rootdir`);
    await fails(t, ua.rename(`${open}/rootdir`, `${open}/mydir/rootdir`), 'EACCES');
    await ua.rename(`${open}/rootdir`, `${open}/renamed`);
    t.deepEqual(await ua.readdir(open), ['mine', 'mydir', 'renamed']);
  });

  test('only the owner changes the mode; only root gives a file away; chgrp to own groups only', async (t, { fs, scratch, a, b }) => {
    const d = await scratch(0o777);
    const [ua, ub] = [await a(), await b()];
    await ua.writeFile(`${d}/f`, 'f', 0o644);
    await fails(t, ub.chmod(`${d}/f`, 0o666), 'EPERM');
    await ua.chmod(`${d}/f`, 0o600);
    t.is((await fs.stat(`${d}/f`)).mode, 0o600);
    await fails(t, ub.chown(`${d}/f`, 1001, 1001), 'EPERM');
    await fails(t, ua.chown(`${d}/f`, 1001, -1), 'EPERM');
    await ua.chown(`${d}/f`, -1, 1002);
    t.is((await fs.stat(`${d}/f`)).gid, 1002);
    await fails(t, ua.chown(`${d}/f`, -1, 1003), 'EPERM');
    await fs.chown(`${d}/f`, 1001, 1001);
    const st = await fs.stat(`${d}/f`);
    t.deepEqual([st.uid, st.gid], [1001, 1001]);
    await fails(t, ua.chmod(`${d}/f`, 0o644), 'EPERM');
    await ub.chmod(`${d}/f`, 0o640);
  });

  test('chmod by an owner outside the file group drops setgid', async (t, { fs, scratch, a }) => {
    const d = await scratch(0o777);
    const ua = await a();
    await ua.writeFile(`${d}/outside`, 'x');
    await fs.chown(`${d}/outside`, 1000, 1003);
    await ua.chmod(`${d}/outside`, 0o2755);
    t.is((await fs.stat(`${d}/outside`)).mode, 0o755);
    await ua.writeFile(`${d}/inside`, 'x');
    await ua.chown(`${d}/inside`, -1, 1002);
    await ua.chmod(`${d}/inside`, 0o2755);
    t.is((await fs.stat(`${d}/inside`)).mode, 0o2755);
  });

  test('in a sticky directory only the owner of an entry or of the directory removes it', async (t, { fs, scratch, a, b }) => {
    const d = await scratch(0o1777);
    const [ua, ub] = [await a(), await b()];
    await ua.writeFile(`${d}/a-file`, 'a');
    await ua.writeFile(`${d}/a-file2`, 'a');
    await ub.writeFile(`${d}/b-file`, 'b');
    await fails(t, ub.unlink(`${d}/a-file`), 'EPERM');
    await fails(t, ub.rename(`${d}/a-file`, `${d}/stolen`), 'EPERM');
    await fails(t, ub.rename(`${d}/b-file`, `${d}/a-file2`), 'EPERM');
    await ua.unlink(`${d}/a-file`);
    await fs.unlink(`${d}/b-file`);
    t.deepEqual(await fs.readdir(d), ['a-file2']);
    const owned = `${d}/b-owned`;
    await fs.mkdir(owned);
    await fs.chown(owned, 1001, 1001);
    await fs.chmod(owned, 0o1777);
    await ua.writeFile(`${owned}/x`, 'x');
    await ub.unlink(`${owned}/x`);
    t.deepEqual(await fs.readdir(owned), []);
  });

  test('times: explicit values need ownership, "now" needs write permission', async (t, { fs, scratch, a }) => {
    const d = await scratch(0o755);
    const ua = await a();
    await fs.writeFile(`${d}/shared`, 'x', 0o666);
    await fs.chmod(`${d}/shared`, 0o666);
    await fs.writeFile(`${d}/readonly`, 'x', 0o644);
    await ua.utimes(`${d}/shared`, 'now', 'now');
    await fails(t, ua.utimes(`${d}/shared`, { sec: 1, nsec: 0 }, { sec: 1, nsec: 0 }), 'EPERM');
    await fails(t, ua.utimes(`${d}/readonly`, 'now', 'now'), 'EACCES');
  });

  test('root passes every mode check except execute without any x bit', async (t, { fs, scratch, a }) => {
    const d = await scratch(0o700);
    await fs.writeFile(`${d}/none`, 'root reads', 0o000);
    await fs.chmod(`${d}/none`, 0o000);
    t.is((await fs.readFile(`${d}/none`)).toString(), 'root reads');
    await fs.writeFile(`${d}/none`, 'root writes');
    await fs.access(`${d}/none`, R_OK | W_OK);
    await fails(t, fs.access(`${d}/none`, X_OK), 'EACCES');
    await fs.chmod(`${d}/none`, 0o010);
    await fs.access(`${d}/none`, X_OK);
    const open = await scratch(0o777);
    const ua = await a();
    await ua.writeFile(`${open}/own`, 'x', 0o600);
    await ua.access(`${open}/own`, R_OK | W_OK);
    await fails(t, ua.access(`${open}/own`, X_OK), 'EACCES');
  });
}
