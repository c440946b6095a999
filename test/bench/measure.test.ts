import test from 'ava';
import { measure, roundOrder, type Target } from '../../bench/targets.js';
import type { Phase, WorkloadJob } from '../../bench/workloads.js';

const target = (label: string): Target => ({ label, dir: `/x/${label}`, stop: async () => {} });

test('each counted round starts with the next target, so none always runs first or last', async (t) => {
  const ran: string[] = [];
  const run = async (job: WorkloadJob): Promise<Phase[]> => {
    ran.push(job.dir.slice(3));
    return [{ name: 'p', unit: 'ops/s', count: 1, ms: 1, rate: ran.length }];
  };
  const targets = ['a', 'b', 'c'].map(target);
  const rounds = await measure(targets, (dir) => ({ workload: 'small-files', dir }), 4, 1, run);
  t.deepEqual(ran, ['a', 'b', 'c', /* counted: */ 'a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b', 'a', 'b', 'c']);
  // Results stay filed by target and by round, whatever the order they ran in.
  t.deepEqual(rounds.get('a')!.map((r) => r[0]!.rate), [4, 9, 11, 13]);
  t.deepEqual(rounds.get('c')!.map((r) => r[0]!.rate), [6, 8, 10, 15]);
  t.deepEqual(roundOrder([], 3), []);
});
