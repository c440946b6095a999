import { diagnostic } from '../../diagnostics/codes.js';
import type { GraphPass } from './types.js';

/** GlusterFS's grammar needs at least one volume; an empty (or comment-only) volfile is an error. */
export const emptyVolfile: GraphPass = ({ graph, ast }) => {
  if (graph.volumes.length > 0) return [];
  // Statements outside any volume are reported by their own pass; don't pile on.
  if (ast && ast.items.length > 0) return [];
  const at = { offset: 0, line: 1, column: 1 };
  return [
    diagnostic('GRAPH_EMPTY', {
      message: 'the volfile defines no volume',
      location: ast ? { source: graph.source, start: at, end: at } : undefined,
      hint: 'a volfile is a list of `volume NAME ... end-volume` blocks; the last one is the top',
    }),
  ];
};
