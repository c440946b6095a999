import test, { type ExecutionContext } from 'ava';
import { E, FopError } from '../../runtime/core/fop-error.js';
import type { Frame } from '../../runtime/core/frame.js';
import type { FopArgs } from '../../runtime/fops/signatures.js';
import { startGraph } from '../../runtime/testkit/index.js';
import { API_VERSION, defineXlator } from '../../runtime/xlator/define.js';
import type { Xlator } from '../../runtime/xlator/xlator.js';
import { makeBricks, SUBVOLS, type Bricks } from './helpers.js';

/** statfs calls per subvolume, and whether each subvolume refuses them (as a brick may): shared, so the tests run serially. */
const asked = new Map<string, number>();
const refusing = new Set<string>();

/** Counts the statfs calls that reach a subvolume; the rest of the fops pass through. */
const counter = defineXlator({
  apiVersion: API_VERSION,
  type: 'testing/statfs-counter',
  options: {},
  fops: {
    statfs: (self: Xlator, frame: Frame, args: FopArgs<'statfs'>) => {
      asked.set(self.name, (asked.get(self.name) ?? 0) + 1);
      if (refusing.has(self.name)) return Promise.reject(new FopError(E.ENOTCONN, 'statfs refused'));
      return self.firstChild!.fops.statfs(frame, args);
    },
  } as never,
});

function volfile(b: Bricks): string {
  let text = '';
  for (const n of SUBVOLS) {
    text += `volume ${n}-posix\n  type storage/posix\n  option directory ${b.dirs[n]}\nend-volume\n\n`;
    text += `volume ${n}\n  type testing/statfs-counter\n  subvolumes ${n}-posix\nend-volume\n\n`;
  }
  return `${text}volume dist\n  type cluster/distribute\n  subvolumes ${SUBVOLS.join(' ')}\nend-volume\n`;
}

async function creates(refuse: boolean, t: ExecutionContext) {
  refusing.clear();
  if (refuse) for (const n of SUBVOLS) refusing.add(n);
  const g = await startGraph({ volfile: volfile(makeBricks(t)), xlators: { 'testing/statfs-counter': counter } });
  t.teardown(() => g.stop());
  await g.mkdir('/d');
  asked.clear();
  const start = Date.now();
  for (let i = 0; i < 30; i++) await g.create(`/d/f${i}`, 'x');
  // Free space is asked for at most once a second per subvolume (dht_get_du_info): the bound
  // grows with the time the burst took, so a slow machine cannot fail it. Asked per create, the
  // subvolumes see 10, 7 and 13 calls here: caught unless the burst takes over eleven seconds.
  const most = 1 + Math.ceil((Date.now() - start) / 1000);
  t.is((await g.readdir('/d')).length, 30);
  return { counts: SUBVOLS.map((n) => asked.get(n) ?? 0), most };
}

test.serial('a burst of creates asks each subvolume for its free space once, not once per create', async (t) => {
  const { counts, most } = await creates(false, t);
  t.true(counts.every((n) => n <= most), `statfs calls per subvolume: ${counts.join(', ')} (at most ${most})`);
});

test.serial('a subvolume that refuses statfs is not asked again with every create, and the creates succeed', async (t) => {
  const { counts, most } = await creates(true, t);
  t.true(counts.every((n) => n <= most), `statfs calls per subvolume: ${counts.join(', ')} (at most ${most})`);
});

test.serial('a subvolume that comes back up is asked for its free space at once, though it failed a moment ago', async (t) => {
  asked.clear();
  refusing.clear();
  refusing.add(SUBVOLS[0]!);
  const g = await startGraph({ volfile: volfile(makeBricks(t)), xlators: { 'testing/statfs-counter': counter } });
  t.teardown(() => g.stop());
  await g.create('/f', 'x');
  const before = asked.get(SUBVOLS[0]!) ?? 0;
  t.true(before >= 1);
  refusing.clear();
  const xl = g.graph.get(SUBVOLS[0]!)!;
  await xl.notifyParents({ type: 'CHILD_DOWN' });
  await xl.notifyParents({ type: 'CHILD_UP' });
  for (let i = 0; i < 100 && (asked.get(SUBVOLS[0]!) ?? 0) === before; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(asked.get(SUBVOLS[0]!), before + 1);
  // The call is counted as it goes down; its figures are kept once its answer is back.
  const du = (g.graph.get('dist')!.priv as { du: Map<unknown, unknown> }).du;
  for (let i = 0; i < 100 && !du.has(xl); i++) await new Promise((r) => setTimeout(r, 10));
  t.true(du.has(xl), 'its figures are known again');
});
