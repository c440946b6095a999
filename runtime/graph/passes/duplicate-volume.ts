import type { DiagnosticData } from '../../diagnostics/diagnostic.js';
import { volumeDiagnostic, type VolumeDecl } from '../model.js';
import type { GraphPass } from './types.js';

/** Two volumes with the same name (GlusterFS: "volume 'x' defined again"). */
export const duplicateVolume: GraphPass = ({ graph }) => {
  const out: DiagnosticData[] = [];
  const first = new Map<string, VolumeDecl>();
  for (const v of graph.volumes) {
    const earlier = first.get(v.name);
    if (!earlier) {
      first.set(v.name, v);
      continue;
    }
    const where = earlier.location ? ` (first defined on line ${earlier.location.start.line})` : '';
    out.push(volumeDiagnostic('GRAPH_DUPLICATE_VOLUME', v, `volume \`${v.name}\` is defined twice${where}`));
  }
  return out;
};
