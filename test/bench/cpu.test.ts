import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPids, sampleCpu } from '../../bench/cpu.js';
import { cpuTable } from '../../bench/report.js';
import type { Phase } from '../../bench/workloads.js';

/** A node process whose argument list names `args` (node hands them to the script untouched). */
function proc(code: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['-e', code, '--', ...args], { stdio: 'ignore' });
}

const started = (c: ChildProcess) => new Promise<void>((resolve, reject) => (c.once('spawn', resolve), c.once('error', reject)));

test('findPids tells a target\'s client (the process naming the mount point) from its bricks, and ignores processes elsewhere', async (t) => {
  const home = fs.mkdtempSync(join(tmpdir(), 'gfs-cpu-'));
  const other = fs.mkdtempSync(join(tmpdir(), 'gfs-cpu-other-'));
  const idle = 'setTimeout(() => {}, 60000)';
  const brick = proc(idle, ['-f', join(home, 'brick.vol')]);
  const mount = proc(idle, [join(home, 'client.vol'), join(home, 'mnt')]);
  const stranger = proc(idle, ['-f', join(other, 'brick.vol'), join(home + '-not', 'x')]);
  t.teardown(() => {
    for (const c of [brick, mount, stranger]) c.kill('SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
  });
  await Promise.all([brick, mount, stranger].map(started));
  const pids = findPids({ home, mnt: join(home, 'mnt') });
  t.deepEqual(pids, { client: [mount.pid!], server: [brick.pid!] });
  // A side that cannot be found is an error, not a column of zeros.
  t.throws(() => findPids({ home, mnt: join(home, 'elsewhere') }), { message: /no client process/ });
  t.throws(() => findPids({ home: other, mnt: join(other, 'none') }), { message: /no client process/ });
});

test('sampleCpu counts the CPU every thread of the named processes spends, per side', async (t) => {
  const home = fs.mkdtempSync(join(tmpdir(), 'gfs-cpu-'));
  // The brick side spins until killed, the client side sleeps.
  const busy = proc('for (;;);', ['-f', join(home, 'brick.vol')]);
  const quiet = proc('setTimeout(() => {}, 60000)', [join(home, 'mnt')]);
  t.teardown(() => {
    busy.kill('SIGKILL');
    quiet.kill('SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
  });
  await Promise.all([busy, quiet].map(started));
  const pids = findPids({ home, mnt: join(home, 'mnt') });
  // The kernel's other account of the same time: user + system clock ticks (10 ms each) in /proc/PID/stat.
  const ticks = (pid: number) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).reduce((a, b) => a + Number(b), 0);
  // Past node's own start-up, then until the spinner has had 300 ms of CPU (however loaded the machine).
  await new Promise((r) => setTimeout(r, 300));
  const before = sampleCpu(pids);
  const ticks0 = ticks(busy.pid!);
  let after = before;
  for (const end = Date.now() + 20_000; after.server - before.server < 300e6 && Date.now() < end; await new Promise((r) => setTimeout(r, 50))) after = sampleCpu(pids);
  const server = after.server - before.server;
  const client = after.client - before.client;
  const tickMs = (ticks(busy.pid!) - ticks0) * 10;
  t.true(server >= 300e6, `the spinning side spent ${server / 1e6} ms`);
  // Ticks are whole 10 ms and the kernel's scaled figures may lag the exact one under load: within a quarter.
  t.true(Math.abs(server / 1e6 - tickMs) <= Math.max(100, tickMs / 4), `${server / 1e6} ms by schedstat, ${tickMs} ms by clock ticks`);
  t.true(client < server / 4, `the sleeping side spent ${client / 1e6} ms against ${server / 1e6} ms`);
  t.deepEqual(sampleCpu({ client: [], server: [2 ** 22 + 12345] }), { client: 0, server: 0 }, 'a process that is gone counts nothing');
});

const phase = (name: string, cpu?: { client: number; server: number }): Phase => ({ name, unit: 'ops/s', count: 1, ms: 1, rate: 1, ...(cpu ? { cpu } : {}) });

test('cpuTable shows each side\'s median over rounds and the ratio of the totals', (t) => {
  const rounds = new Map<string, Phase[][]>([
    ['gfs', [[phase('stat', { client: 50, server: 40 })], [phase('stat', { client: 70, server: 20 })], [phase('stat', { client: 60, server: 30 })]]],
    ['glusterfs', [[phase('stat', { client: 30, server: 40 })], [phase('stat', { client: 35, server: 35 })], [phase('stat', { client: 20, server: 60 })]]],
  ]);
  const lines = cpuTable(rounds, [['gfs', 'glusterfs']]).split('\n');
  t.is(lines.length, 3);
  // medians: gfs 60 + 30 = 90, glusterfs 30 + 40 = 70
  t.regex(lines[2]!, /^stat \(ops\/s\)\s+60 \+ 30\s+30 \+ 40\s+1\.29$/);
});

test('cpuTable is empty when no target reported its CPU', (t) => {
  const rounds = new Map<string, Phase[][]>([['local', [[phase('stat')]]]]);
  t.is(cpuTable(rounds, []), '');
});
