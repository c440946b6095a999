import type { DiagnosticData } from '../../diagnostics/diagnostic.js';
import { volumeDiagnostic, type OptionDecl } from '../model.js';
import type { GraphPass } from './types.js';

/** An option key given twice in one volume: a warning; the last value wins (dict_set_str). */
export const duplicateOption: GraphPass = ({ graph }) => {
  const out: DiagnosticData[] = [];
  for (const v of graph.volumes) {
    const seen = new Map<string, OptionDecl>();
    for (const o of v.options) {
      if (o.origin !== 'volfile') continue; // overrides replace values on purpose
      const earlier = seen.get(o.key);
      seen.set(o.key, o);
      if (!earlier) continue;
      const line = earlier.location ? ` (also on line ${earlier.location.start.line})` : '';
      out.push(
        volumeDiagnostic(
          'GRAPH_DUPLICATE_OPTION',
          v,
          `option \`${o.key}\` is given twice in volume \`${v.name}\`${line}; the last value \`${o.value}\` wins`,
          o.location,
        ),
      );
    }
  }
  return out;
};
