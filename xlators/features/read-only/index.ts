import { defineXlator } from '../../../runtime/xlator/define.js';
import { FopError, E } from '../../../runtime/core/fop-error.js';
import type { Frame } from '../../../runtime/core/frame.js';
import type { Dict } from '../../../runtime/core/dict.js';
import { MODIFYING_FOPS, type FopName } from '../../../runtime/fops/table.js';
import type { FopImpls } from '../../../runtime/xlator/define.js';
import type { Xlator } from '../../../runtime/xlator/xlator.js';

const options = {
  'read-only': {
    type: 'bool',
    default: 'off',
    description: 'When on, every fop that could modify the volume fails with EROFS (GlusterFS default: off).',
  },
} as const;

/** Besides the modifying fops, GlusterFS's read-only also refuses lock fops and writable opens. */
const ALSO_REFUSED: FopName[] = ['inodelk', 'finodelk', 'entrylk', 'fentrylk', 'lk', 'fsyncdir'];
const WRITE_FLAGS = 0o1 | 0o2 | 0o1000 | 0o2000; // O_WRONLY | O_RDWR | O_TRUNC | O_APPEND

type Self = Xlator<typeof options, undefined>;

/** Internal clients (negative pids: rebalance, self-heal) may still write, as in GlusterFS. */
const enforced = (self: Self, frame: Frame) => self.options['read-only'] && frame.pid >= 0;

/** xattrop with all-zero values only reads counters; GlusterFS lets it through. */
const allZero = (dict: Dict) => [...dict].every(([, v]) => v.type !== 'bin' || v.value.every((b) => b === 0));

function refuse(name: FopName) {
  return (self: Self, frame: Frame, args: never) => {
    if (!enforced(self, frame)) return self.firstChild!.fops[name](frame, args);
    if ((name === 'xattrop' || name === 'fxattrop') && allZero((args as { dict: Dict }).dict)) {
      return self.firstChild!.fops[name](frame, args);
    }
    return Promise.reject(new FopError(E.EROFS));
  };
}

const fops: Record<string, unknown> = {};
for (const name of [...MODIFYING_FOPS, ...ALSO_REFUSED]) fops[name] = refuse(name);
fops.open = (self: Self, frame: Frame, args: { flags: number }) => {
  if (enforced(self, frame) && (args.flags & WRITE_FLAGS) !== 0) return Promise.reject(new FopError(E.EROFS));
  return self.firstChild!.fops.open(frame, args as never);
};

/** features/read-only: refuses every modification with EROFS when `read-only` is on. */
export default defineXlator({
  apiVersion: 1,
  type: 'features/read-only',
  description: 'Makes a volume read-only (mount -o ro inserts it with read-only on).',
  options,
  passesWriteData: true, // it refuses writes unread
  children: { min: 1, max: 1 },
  fops: fops as FopImpls<typeof options, undefined>,
});
