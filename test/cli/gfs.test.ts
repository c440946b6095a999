import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GLUSTER_VOLFILES, INTEROP_DIR } from '../helpers/shared.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const GLUSTER = GLUSTER_VOLFILES;
const dir = mkdtempSync(join(tmpdir(), 'gfs-cli-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function gfs(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/gfs.ts', ...args], { cwd: ROOT, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('check of a valid volfile exits 0 and says so', async (t) => {
  const r = await gfs('volfile', 'check', '--syntax-only', `${GLUSTER}/dvol.tcp-fuse.vol`);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.is(r.stdout, `${GLUSTER}/dvol.tcp-fuse.vol: ok (12 volumes, top \`dvol\`)\n`);
});

test('check prints located errors with a code frame and exits 1', async (t) => {
  const bad = file('bad.vol', 'volume a\n  type t\n  option k volume\nend-volume\n');
  const r = await gfs('volfile', 'check', bad);
  t.is(r.code, 1);
  const lines = r.stdout.split('\n');
  t.is(lines[0], `${bad}:3:12: error: expected option value, found \`volume\` [VOLFILE_SYNTAX]`);
  t.true(lines.includes('3 |   option k volume'));
  t.true(lines.includes('  |            ^^^^^^'));
});

test('check --json reports every file with its diagnostics', async (t) => {
  const bad = file('graph.vol', 'volume a\n type t/x\n subvolumes b\nend-volume\n');
  const r = await gfs('volfile', 'check', '--json', '--syntax-only', bad, `${GLUSTER}/dvol.vm.srv-gl-b1.vol`);
  t.is(r.code, 1);
  const out = JSON.parse(r.stdout);
  t.is(out.ok, false);
  t.is(out.files.length, 2);
  t.like(out.files[0], { file: bad, ok: false, volumes: 1, top: 'a', missingTypes: [] });
  t.deepEqual(out.files[0].diagnostics, [
    {
      code: 'GRAPH_UNDEFINED_SUBVOLUME',
      severity: 'error',
      message: 'subvolume `b` is not defined',
      volume: 'a',
      xlatorType: 't/x',
      location: { source: bad, start: { offset: 31, line: 3, column: 13 }, end: { offset: 32, line: 3, column: 14 } },
    },
  ]);
  t.like(out.files[1], { ok: true, volumes: 18, top: 'dvol-server', diagnostics: [] });
});

test('check names each type that is not installed, at its type line', async (t) => {
  const f = file('types.vol', 'volume a\n  type nosuch/translator\nend-volume\n');
  const r = await gfs('volfile', 'check', '--json', f);
  t.is(r.code, 1);
  const out = JSON.parse(r.stdout);
  t.deepEqual(out.files[0].missingTypes, ['nosuch/translator']);
  t.like(out.files[0].diagnostics[0], {
    code: 'XLATOR_NOT_FOUND',
    volume: 'a',
    xlatorType: 'nosuch/translator',
    location: { start: { line: 2, column: 8 } },
  });
});

test('check applies --xlator-option and refuses a malformed one', async (t) => {
  const ok = await gfs('volfile', 'check', '--syntax-only', '--xlator-option', 'dvol-client-*.remote-port=24009', `${GLUSTER}/dvol.tcp-fuse.vol`);
  t.is(ok.code, 0, ok.stdout);
  const bad = await gfs('volfile', 'check', '--syntax-only', '--xlator-option', 'nodot', `${GLUSTER}/dvol.tcp-fuse.vol`);
  t.is(bad.code, 1);
  t.regex(bad.stdout, /GRAPH_BAD_XLATOR_OPTION/);
});

test('an unreadable file is reported, not thrown', async (t) => {
  const r = await gfs('volfile', 'check', join(dir, 'missing.vol'));
  t.is(r.code, 1);
  t.regex(r.stdout, /VOLFILE_UNREADABLE/);
});

test('graph --format json prints exactly top and volumes', async (t) => {
  const r = await gfs('volfile', 'graph', '--format', 'json', `${INTEROP_DIR}/real-brick.vol`);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout), {
    top: 'raw-server',
    volumes: [
      { name: 'raw-posix', type: 'storage/posix', options: { directory: '/srv/raw/b' }, subvolumes: [] },
      { name: 'raw-locks', type: 'features/locks', options: {}, subvolumes: ['raw-posix'] },
      {
        name: 'raw-server',
        type: 'protocol/server',
        options: { 'transport-type': 'tcp', 'transport.socket.listen-port': '24999', 'auth.addr.raw-locks.allow': '*' },
        subvolumes: ['raw-locks'],
      },
    ],
  });
});

test('graph --format dot and text describe the same graph', async (t) => {
  const [dot, text] = await Promise.all([
    gfs('volfile', 'graph', '--format', 'dot', `${GLUSTER}/dvol.tcp-fuse.vol`),
    gfs('volfile', 'graph', `${GLUSTER}/dvol.tcp-fuse.vol`),
  ]);
  t.is(dot.code, 0);
  t.true(dot.stdout.includes('"dvol-dht" -> "dvol-client-2";'));
  t.is(text.code, 0);
  t.true(text.stdout.startsWith('dvol (debug/io-stats) [5 options]\n└─ dvol-io-threads'));
});

test('unknown flags, formats and commands are usage errors with exit 2', async (t) => {
  const [flag, format, cmd] = await Promise.all([
    gfs('volfile', 'check', '--bogus', 'x.vol'),
    gfs('volfile', 'graph', '--format', 'svg', 'x.vol'),
    gfs('frobnicate'),
  ]);
  for (const r of [flag, format, cmd]) {
    t.is(r.code, 2);
    t.regex(r.stderr, /^gfs: .*\n\nUsage: gfs/);
  }
  t.regex(flag.stderr, /Unknown option '--bogus'/);
});

test('help is printed for gfs and for gfs volfile', async (t) => {
  const [top, volfile] = await Promise.all([gfs('--help'), gfs('volfile', '--help')]);
  t.is(top.code, 0);
  t.regex(top.stdout, /volfile check FILE/);
  t.is(volfile.code, 0);
  t.regex(volfile.stdout, /graph FILE \[--format json\|dot\|text\]/);
});
