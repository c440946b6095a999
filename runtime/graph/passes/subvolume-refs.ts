import { closest, distance } from 'fastest-levenshtein';
import type { DiagnosticData } from '../../diagnostics/diagnostic.js';
import { volumeDiagnostic } from '../model.js';
import type { GraphPass } from './types.js';

/**
 * Every subvolume must name a volume defined EARLIER in the file (graph.y volume_sub), and not
 * the volume itself. Because of that rule a volfile graph has no cycles.
 */
export const subvolumeRefs: GraphPass = ({ graph }) => {
  const out: DiagnosticData[] = [];
  const firstIndex = new Map<string, number>();
  graph.volumes.forEach((v, i) => {
    if (!firstIndex.has(v.name)) firstIndex.set(v.name, i);
  });
  graph.volumes.forEach((v, i) => {
    v.subvolumes.forEach((sub, j) => {
      const at = v.subvolumeLocations[j] ?? v.location;
      const defined = firstIndex.get(sub);
      if (sub === v.name) {
        out.push(volumeDiagnostic('GRAPH_SELF_REFERENCE', v, `volume \`${v.name}\` lists itself as a subvolume`, at));
      } else if (defined === undefined) {
        const names = [...firstIndex.keys()];
        const near = names.length > 0 ? closest(sub, names) : undefined;
        const d = near === undefined ? Infinity : distance(sub, near);
        // Only a near miss of a longer name is worth suggesting (`b` is not a typo of `a`).
        const hint = d < sub.length && d <= Math.max(1, Math.floor(sub.length / 3)) ? `did you mean \`${near}\`?` : undefined;
        out.push(volumeDiagnostic('GRAPH_UNDEFINED_SUBVOLUME', v, `subvolume \`${sub}\` is not defined`, at, hint));
      } else if (defined > i) {
        const later = graph.volumes[defined]!;
        const line = later.location ? ` on line ${later.location.start.line}` : '';
        out.push(
          volumeDiagnostic(
            'GRAPH_SUBVOLUME_DEFINED_LATER',
            v,
            `subvolume \`${sub}\` is defined${line}, after volume \`${v.name}\` that uses it`,
            at,
            'define every volume before the volumes that list it in `subvolumes`',
          ),
        );
      }
    });
  });
  return out;
};
