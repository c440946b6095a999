import test from 'ava';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idleGaps, smallFiles } from '../../bench/workloads.js';

const phaseNames = ['create', 'stat', 'readdir', 'read', 'rename', 'unlink'];

// The pause keeps a phase from inheriting the kernel's cached names of the phase before it; what
// can be checked without a clock race is that it is taken between phases and never inside one.
test('small-file phases are separated by the settle pause, which no phase counts in its time', (t) => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'gfs-wl-'));
  try {
    const t0 = performance.now();
    const phases = smallFiles(dir, { files: 20, settleMs: 150 });
    const wall = performance.now() - t0;
    t.deepEqual(phases.map((p) => p.name), phaseNames);
    t.deepEqual(phases.map((p) => p.count), [20, 20, 60, 20, 20, 20]);
    const inPhases = phases.reduce((s, p) => s + p.ms, 0);
    t.true(wall - inPhases >= 5 * 150, `pauses took ${wall - inPhases} ms`);
    t.deepEqual(fs.readdirSync(dir), [], 'the workload leaves nothing behind');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the idle-gaps workload times each kind of request busy and after each pause, never counting the pauses', (t) => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'gfs-wl-'));
  try {
    const t0 = performance.now();
    const phases = idleGaps(dir);
    const wall = performance.now() - t0;
    const whens = ['busy', 'after 0.1 s idle', 'after 1.5 s idle'];
    t.deepEqual(phases.map((p) => p.name), [...whens.map((w) => `missing name, ${w}`), ...whens.map((w) => `stat, ${w}`)]);
    t.true(phases.every((p) => p.count === 1000 && p.unit === 'ops/s'));
    const inPhases = phases.reduce((s, p) => s + p.ms, 0);
    // The first pause lets the new names' kernel entries expire; then 0.1 + 1.5 s per kind.
    t.true(wall - inPhases >= 1500 + 2 * 1600, `pauses took ${wall - inPhases} ms`);
    t.deepEqual(fs.readdirSync(dir), [], 'the workload leaves nothing behind');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
