import test from 'ava';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { heatCpus } from '../../bench/heat.js';

/** nice and utime of a process, from /proc/PID/stat (fields 19 and 14). */
function niceAndTicks(pid: number): { nice: number; ticks: number } | undefined {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { nice: Number(f[16]), ticks: Number(f[11]) };
  } catch {
    return undefined;
  }
}

test('the heat loops spin at nice 19 until stopped, and stopping ends them', async (t) => {
  const { pids, stop } = heatCpus(2);
  t.teardown(stop);
  t.is(pids.length, 2);
  for (const pid of pids) t.is(niceAndTicks(pid)?.nice, 19);
  // At nice 19 a loop runs only when nothing else wants the CPU: other test files may keep it
  // from running for a while, so wait (up to 20 s) to see it spin.
  for (let i = 0; i < 200 && !pids.every((pid) => (niceAndTicks(pid)?.ticks ?? 0) > 0); i++) await sleep(100);
  for (const pid of pids) t.true((niceAndTicks(pid)?.ticks ?? 0) > 0, `loop ${pid} has been running`);
  await stop();
  await sleep(100);
  for (const pid of pids) t.is(niceAndTicks(pid), undefined, `process ${pid} is gone`);
});
