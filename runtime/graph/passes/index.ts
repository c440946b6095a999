/**
 * The checks a volfile graph goes through after parsing, each in its own file. All run; their
 * diagnostics are collected and sorted by position so a user sees every problem at once.
 */
import type { DiagnosticData } from '../../diagnostics/diagnostic.js';
import { duplicateOption } from './duplicate-option.js';
import { duplicateSubvolumes } from './duplicate-subvolumes.js';
import { duplicateVolume } from './duplicate-volume.js';
import { emptyVolfile } from './empty.js';
import { outsideVolume } from './outside-volume.js';
import { subvolumeRefs } from './subvolume-refs.js';
import type { GraphPass, PassInput } from './types.js';
import { unreachable } from './unreachable.js';
import { volumeType } from './volume-type.js';

export type { GraphPass, PassInput } from './types.js';

export const PASSES: readonly GraphPass[] = [
  emptyVolfile,
  outsideVolume,
  duplicateVolume,
  volumeType,
  duplicateSubvolumes,
  subvolumeRefs,
  duplicateOption,
  unreachable,
];

export function runPasses(input: PassInput, passes: readonly GraphPass[] = PASSES): DiagnosticData[] {
  const out = passes.flatMap((pass) => pass(input));
  return sortDiagnostics(out);
}

/** By file position; diagnostics without a location keep their order and come last. */
export function sortDiagnostics(diags: DiagnosticData[]): DiagnosticData[] {
  return diags
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const la = a.d.location;
      const lb = b.d.location;
      if (la && lb) return la.start.offset - lb.start.offset || a.i - b.i;
      if (la) return -1;
      if (lb) return 1;
      return a.i - b.i;
    })
    .map((x) => x.d);
}
