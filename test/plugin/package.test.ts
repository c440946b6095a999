import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'gfs-xlator-features-veto');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** Only the two local tarballs are installed: never the registry's packages. */
const NPM_INSTALL = ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', '--omit=dev'];

/**
 * gfs's package.json exports point at dist/: build what an installed gfs needs (grammar,
 * TypeScript, and the native addon storage/posix uses). tsc still emits when files owned by
 * others have type errors, so the outputs are checked instead of the exit status.
 */
async function buildGfs(t: ExecutionContext): Promise<void> {
  await run(process.execPath, ['scripts/build-grammar.mjs'], { cwd: ROOT });
  await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: ROOT }).catch((err: { stdout?: string }) => {
    t.log(`tsc reported errors (outputs checked below):\n${String(err.stdout ?? '').slice(0, 2000)}`);
  });
  // storage/posix needs the native addon; build it only when this checkout has not yet.
  if (!existsSync(join(ROOT, 'native/build/Release/gfs_native.node'))) await run('npm', ['run', 'build:native'], { cwd: ROOT });
  for (const f of ['runtime/index.js', 'runtime/testkit/index.js', 'runtime/loader/index.js', 'xlators/storage/posix/index.js']) {
    if (!existsSync(join(ROOT, 'dist', f))) throw new Error(`the build did not produce dist/${f}`);
  }
}

async function pack(dir: string, dest: string): Promise<string> {
  // prepack compiles the plugin's TypeScript, as it would before `npm publish`.
  await run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: dir });
  const { name, version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
  return join(dest, `${name}-${version}.tgz`);
}

/**
 * Install the plugin tarball into a scratch project and link gfs to this checkout, as
 * `npm link gfs` would. gfs itself is linked, not packed: its packed tarball carries neither a
 * built FUSE/posix addon nor a script that builds it, and its dependencies may not be in the
 * npm cache offline. --legacy-peer-deps stops npm fetching the `gfs` peer from the registry.
 */
async function install(scratch: string, pluginTgz: string): Promise<void> {
  await run('npm', [...NPM_INSTALL, '--legacy-peer-deps', pluginTgz], { cwd: scratch });
  await symlink(ROOT, join(scratch, 'node_modules', 'gfs'), 'dir');
}

const VOLFILE = `# storage/posix gets its directory from the testkit (brick: true)
volume brick
  type storage/posix
end-volume

volume veto
  type features/veto
  option veto-files *.tmp,~$*
  subvolumes brick
end-volume
`;

/** Runs in the scratch project with plain node: the published layout, no tsx. */
const SCRIPT = `import { readFileSync } from 'node:fs';
import { startGraph } from 'gfs/testkit';

const volfile = readFileSync(new URL('./site.vol', import.meta.url), 'utf8');
const g = await startGraph({ volfile, brick: true });
const code = (p) => p.then(() => 'ok', (e) => e.code);
const names = async () => (await g.readdir('/')).filter((n) => !n.startsWith('.')).sort();
const out = {};
try {
  out.types = g.graph.xlators.map((x) => x.type);
  await g.create('/report.txt', 'quarterly numbers');
  out.read = (await g.read('/report.txt')).toString();
  out.createVetoed = await code(g.create('/scratch.tmp', 'x'));
  out.mkdirVetoed = await code(g.mkdir('/~$lock'));
  await g.create('/notes.bak', 'old');
  out.before = await names();
  // Enough vetoed names that whole readdir batches are vetoed: the listing must go on past them.
  for (let i = 0; i < 300; i++) await g.create('/old-' + String(i).padStart(3, '0') + '.log');
  await g.reconfigure(volfile.replace('*.tmp,', '*.tmp,*.bak,*.log,'));
  out.after = await names();
  out.lookupHidden = await code(g.lookup('/notes.bak'));
  out.dump = g.graph.get('veto').dump().state;
} finally {
  await g.stop();
}
process.stdout.write(JSON.stringify(out));
`;

test('the example plugin, packed and installed as a package, is loaded from a volfile and runs fops', async (t) => {
  t.timeout(300_000);
  const work = await mkdtemp(join(tmpdir(), 'gfs-plugin-'));
  t.teardown(() => rm(work, { recursive: true, force: true }));
  await buildGfs(t);
  const pluginTgz = await pack(EXAMPLE, work);

  const scratch = join(work, 'scratch');
  await mkdir(scratch);
  await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  await install(scratch, pluginTgz);
  t.true(existsSync(join(scratch, 'node_modules/gfs-xlator-features-veto/dist/index.js')));

  await writeFile(join(scratch, 'site.vol'), VOLFILE);
  await writeFile(join(scratch, 'run.mjs'), SCRIPT);
  const { stdout } = await run(process.execPath, ['run.mjs'], { cwd: scratch, env: { ...process.env, GFS_XLATOR_PATH: '' } });
  const out = JSON.parse(stdout) as Record<string, unknown>;

  t.deepEqual(out.types, ['storage/posix', 'features/veto']);
  t.is(out.read, 'quarterly numbers');
  t.is(out.createVetoed, 'EACCES');
  t.is(out.mkdirVetoed, 'EACCES');
  t.deepEqual(out.before, ['notes.bak', 'report.txt']);
  t.deepEqual(out.after, ['report.txt']);
  t.is(out.lookupHidden, 'ENOENT');
  t.like(out.dump, { 'veto-files': '*.tmp,*.bak,*.log,~$*', refused: 2 });
});
