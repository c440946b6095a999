import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { NO_DICT, NULL, ROOT, RawClient, tempDir } from './helpers.js';
import { alive, freePort, runGfsBrick, spawnBrick } from './brick-process.js';

test('gfs-brick daemonizes, serves, and SIGTERM stops it and removes the pid file', async (t) => {
  const b = await spawnBrick(t);
  t.true(alive(b.pid));
  const c = await RawClient.connect(t, { host: '127.0.0.1', port: b.port });
  t.is((await c.setvolume({ 'remote-subvolume': 'b-posix' })).op_ret, 0);
  const mk = await c.call('mkdir', { pargfid: ROOT, mode: 0o755, umask: 0, bname: 'made-remotely', xdata: NO_DICT });
  t.is(mk.value.op_ret, 0);
  t.true(fs.statSync(path.join(b.brick, 'made-remotely')).isDirectory());
  c.conn.close();
  await b.stop();
  t.false(alive(b.pid));
  t.false(fs.existsSync(b.pidFile));
  t.regex(fs.readFileSync(b.logFile, 'utf8'), /received SIGTERM; shutting down[\s\S]*stopped/);
});

test('a port in use is a clear error and nothing is left running', async (t) => {
  const port = await freePort();
  const blocker = net.createServer().listen(port, '127.0.0.1');
  t.teardown(() => blocker.close());
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, 'b'));
  const vol = path.join(dir, 'b.vol');
  fs.writeFileSync(vol, ['volume p', '  type storage/posix', `  option directory ${dir}/b`, 'end-volume',
    'volume s', '  type protocol/server', '  option transport.socket.bind-address 127.0.0.1', '  option auth.addr.p.allow *', '  subvolumes p', 'end-volume', ''].join('\n'));
  const r = await runGfsBrick(['-f', vol, '-l', path.join(dir, 'log'), '--brick-port', String(port)]);
  t.is(r.code, 1);
  t.regex(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
  t.false(fs.existsSync(path.join(dir, 'b.pid')));
});

test('volfile errors are reported with their location, and the top must be protocol/server', async (t) => {
  const dir = tempDir(t);
  const vol = path.join(dir, 'bad.vol');
  fs.writeFileSync(vol, ['volume p', '  type storage/posix', `  option directory ${dir}`, 'end-volume',
    'volume s', '  type protocol/server', '  option transport.socket.listen-port lots', '  subvolumes p', 'end-volume', ''].join('\n'));
  const r = await runGfsBrick(['-f', vol, '-N']);
  t.is(r.code, 1);
  t.regex(r.stderr, /bad\.vol:7:\d+: error: .*listen-port/);
  const notServer = path.join(dir, 'client.vol');
  fs.writeFileSync(notServer, ['volume p', '  type storage/posix', `  option directory ${dir}`, 'end-volume', ''].join('\n'));
  const r2 = await runGfsBrick(['-f', notServer, '-N']);
  t.is(r2.code, 1);
  t.regex(r2.stderr, /client\.vol:2:\d+: error: the top volume `p` is storage\/posix.*\[BRICK_TOP_NOT_SERVER\]/);
  const usage = await runGfsBrick([]);
  t.is(usage.code, 2);
  t.regex(usage.stderr, /a volfile is required/);
});

test('gfs-brick -N serves in the foreground until SIGTERM', async (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, 'b'));
  const port = await freePort();
  const vol = path.join(dir, 'b.vol');
  fs.writeFileSync(vol, ['volume p', '  type storage/posix', `  option directory ${dir}/b`, 'end-volume',
    'volume s', '  type protocol/server', '  option transport.socket.bind-address 127.0.0.1', '  option auth.addr.p.allow *', '  subvolumes p', 'end-volume', ''].join('\n'));
  const { spawn } = await import('node:child_process');
  const { GFS_BRICK } = await import('./brick-process.js');
  const child = spawn(process.execPath, ['--import', 'tsx', GFS_BRICK, '-f', vol, '-N', '--brick-port', String(port), '-p', path.join(dir, 'pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => child.kill('SIGKILL'));
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  for (let i = 0; i < 100 && !/serving on/.test(err); i++) await new Promise((r) => setTimeout(r, 100));
  t.regex(err, new RegExp(`serving on 127\\.0\\.0\\.1:${port}`));
  const c = await RawClient.connect(t, { host: '127.0.0.1', port });
  t.is((await c.setvolume({ 'remote-subvolume': 'p' })).op_ret, 0);
  t.is((await c.call('lookup', { gfid: ROOT, pargfid: NULL, flags: 0, bname: '', xdata: NO_DICT })).value.op_ret, 0);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  child.kill('SIGTERM');
  t.is(await exited, 0);
  t.false(fs.existsSync(path.join(dir, 'pid')));
});
