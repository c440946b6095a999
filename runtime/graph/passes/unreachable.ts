import type { DiagnosticData } from '../../diagnostics/diagnostic.js';
import { volumeDiagnostic, type VolumeDecl } from '../model.js';
import type { GraphPass } from './types.js';

/** Volumes that the top (the last volume defined) does not reach through `subvolumes`. */
export const unreachable: GraphPass = ({ graph }) => {
  const byName = new Map<string, VolumeDecl>();
  for (const v of graph.volumes) if (!byName.has(v.name)) byName.set(v.name, v);
  const top = byName.get(graph.top);
  if (!top) return [];
  const seen = new Set<string>([top.name]);
  const stack = [top];
  // Iterative: a 10,000-volume chain must not overflow the call stack.
  while (stack.length > 0) {
    for (const sub of stack.pop()!.subvolumes) {
      const child = byName.get(sub);
      if (child && !seen.has(sub)) {
        seen.add(sub);
        stack.push(child);
      }
    }
  }
  const out: DiagnosticData[] = [];
  for (const v of byName.values()) {
    if (seen.has(v.name)) continue;
    out.push(
      volumeDiagnostic(
        'GRAPH_UNREACHABLE',
        v,
        `volume \`${v.name}\` is not reachable from the top volume \`${graph.top}\``,
        v.location,
        'the last volume in the file is the top; list this volume in a `subvolumes` line or remove it',
      ),
    );
  }
  return out;
};
