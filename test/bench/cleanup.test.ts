import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanupAll, onCleanup } from '../../bench/targets.js';

test.serial('a cleanup started by one caller is waited for by a second, and runs once', async (t) => {
  let runs = 0;
  let finished = false;
  const stop = onCleanup(async () => {
    runs++;
    await sleep(50);
    finished = true;
  });
  const first = stop();
  // An interruption's cleanupAll racing the section's own stop: it must not return before the
  // stop in progress has finished (the bench exits right after it).
  await cleanupAll();
  t.true(finished, 'cleanupAll returned only after the running cleanup ended');
  await first;
  await stop();
  t.is(runs, 1);
});

test.serial('cleanupAll runs what is registered, newest first', async (t) => {
  const order: string[] = [];
  onCleanup(async () => void order.push('older'));
  onCleanup(async () => void order.push('newer'));
  await cleanupAll();
  t.deepEqual(order, ['newer', 'older']);
});
