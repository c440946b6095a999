import type { VolfileAst } from '../../../grammar/ast.js';
import type { DiagnosticData } from '../../diagnostics/diagnostic.js';
import type { VolfileGraph } from '../model.js';

/**
 * What a pass sees: the graph model, and the syntax tree when the graph came from a file
 * (structural checks such as "type given twice" need the statements as written).
 */
export interface PassInput {
  graph: VolfileGraph;
  ast?: VolfileAst;
}

/** A check: returns every problem it finds (errors and warnings); never throws. */
export type GraphPass = (input: PassInput) => DiagnosticData[];
