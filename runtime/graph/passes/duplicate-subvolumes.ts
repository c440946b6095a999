import type { DiagnosticData } from '../../diagnostics/diagnostic.js';
import { diagnostic } from '../../diagnostics/codes.js';
import type { GraphPass } from './types.js';

/** At most one `subvolumes` line per volume (graph.y: "duplicate 'subvolumes' defined"). */
export const duplicateSubvolumes: GraphPass = ({ ast }) => {
  const out: DiagnosticData[] = [];
  for (const item of ast?.items ?? []) {
    if (item.kind !== 'volume') continue;
    const lines = item.body.filter((s) => s.kind === 'subvolumes');
    for (const extra of lines.slice(1)) {
      out.push(
        diagnostic('GRAPH_DUPLICATE_SUBVOLUMES', {
          message: `volume \`${item.name.text}\` has more than one \`subvolumes\` line (first on line ${lines[0]!.location.start.line})`,
          volume: item.name.text,
          location: extra.location,
          hint: 'list every subvolume on one `subvolumes` line; it may wrap over several lines',
        }),
      );
    }
  }
  return out;
};
