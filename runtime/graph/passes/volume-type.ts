import type { DiagnosticData } from '../../diagnostics/diagnostic.js';
import { diagnostic } from '../../diagnostics/codes.js';
import { volumeDiagnostic } from '../model.js';
import type { GraphPass } from './types.js';

/**
 * Each volume gives `type` exactly once, as its first statement (graph.y: VOLUME_DATA starts
 * with TYPE_LINE; a second `type` is "duplicate 'type' defined for volume").
 */
export const volumeType: GraphPass = ({ graph, ast }) => {
  if (!ast) {
    return graph.volumes
      .filter((v) => v.type === '')
      .map((v) => volumeDiagnostic('GRAPH_MISSING_TYPE', v, `volume \`${v.name}\` has no type`));
  }
  const out: DiagnosticData[] = [];
  for (const item of ast.items) {
    if (item.kind !== 'volume') continue;
    const name = item.name.text;
    const types = item.body.filter((s) => s.kind === 'type');
    if (types.length === 0) {
      out.push(
        diagnostic('GRAPH_MISSING_TYPE', {
          message: `volume \`${name}\` has no \`type\``,
          volume: name,
          location: item.name.location,
          hint: 'the first line of a volume is `type CATEGORY/NAME`, e.g. `type storage/posix`',
        }),
      );
      continue;
    }
    const type = types[0]!.value.text;
    if (item.body[0]!.kind !== 'type') {
      out.push(
        diagnostic('GRAPH_TYPE_NOT_FIRST', {
          message: `\`type\` must be the first statement of volume \`${name}\``,
          volume: name,
          xlatorType: type,
          location: types[0]!.location,
        }),
      );
    }
    for (const extra of types.slice(1)) {
      out.push(
        diagnostic('GRAPH_DUPLICATE_TYPE', {
          message: `volume \`${name}\` gives its type twice (\`${type}\` on line ${types[0]!.location.start.line}, then \`${extra.value.text}\`)`,
          volume: name,
          xlatorType: type,
          location: extra.location,
        }),
      );
    }
  }
  return out;
};
