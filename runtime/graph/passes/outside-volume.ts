import type { DiagnosticData } from '../../diagnostics/diagnostic.js';
import { diagnostic } from '../../diagnostics/codes.js';
import type { GraphPass } from './types.js';

/** `type`, `option` or `subvolumes` outside `volume ... end-volume`, or a stray `end-volume`. */
export const outsideVolume: GraphPass = ({ ast }) => {
  const out: DiagnosticData[] = [];
  for (const item of ast?.items ?? []) {
    if (item.kind === 'volume') continue;
    if (item.kind === 'end-volume') {
      out.push(
        diagnostic('VOLFILE_SYNTAX', {
          message: '`end-volume` without a matching `volume NAME`',
          location: item.location,
        }),
      );
      continue;
    }
    out.push(
      diagnostic('GRAPH_OPTION_OUTSIDE_VOLUME', {
        message: `\`${item.kind}\` stands outside any volume`,
        location: item.location,
        hint: 'statements belong between `volume NAME` and `end-volume`',
      }),
    );
  }
  return out;
};
