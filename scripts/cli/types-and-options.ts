/**
 * The parts of `check` that need the translators: resolving each volume's type with the loader
 * and validating options against the resolved tables, as activation will (runtime/graph/create.ts).
 */
import { diagnostic } from '../../runtime/diagnostics/codes.js';
import { GfsError, type DiagnosticData } from '../../runtime/diagnostics/diagnostic.js';
import type { VolfileGraph } from '../../runtime/graph/model.js';
import { withLocations } from '../../runtime/graph/spec.js';
import { resolveXlator } from '../../runtime/loader/index.js';
import { validateGraphOptions, type OptionTable } from '../../runtime/options/index.js';

export interface TypeResolution {
  /** Option table per volume name, for volumes whose type resolved. */
  tables: Map<string, OptionTable>;
  /** Types not found at all (XLATOR_NOT_FOUND), in first-seen order. */
  missing: string[];
  diagnostics: DiagnosticData[];
}

export async function resolveTypes(
  graph: VolfileGraph,
  opts: { paths?: string[]; volfile?: string },
): Promise<TypeResolution> {
  const tables = new Map<string, OptionTable>();
  const missing: string[] = [];
  const diagnostics: DiagnosticData[] = [];
  for (const v of graph.volumes) {
    if (v.type === '') continue; // GRAPH_MISSING_TYPE already says so
    try {
      const def = await resolveXlator(v.type, { paths: opts.paths, volfile: opts.volfile });
      tables.set(v.name, def.options);
    } catch (err) {
      if (!(err instanceof GfsError)) throw err;
      if (err.code === 'XLATOR_NOT_FOUND' && !missing.includes(v.type)) missing.push(v.type);
      diagnostics.push({
        ...err.toJSON(),
        message:
          err.code === 'XLATOR_NOT_FOUND'
            ? `type \`${v.type}\` is not installed: no built-in translator or package provides it`
            : err.message,
        volume: v.name,
        xlatorType: v.type,
        location: v.typeLocation ?? v.location,
        hint: err.hint,
      });
    }
  }
  return { tables, missing, diagnostics };
}

export function validateOptions(graph: VolfileGraph, tables: Map<string, OptionTable>): DiagnosticData[] {
  try {
    return validateGraphOptions(withLocations(graph), tables).diagnostics;
  } catch (err) {
    // A validator bug must not hide the other diagnostics of the file.
    return [diagnostic('OPTION_BAD_DECLARATION', { message: `option validation failed: ${(err as Error).message}` })];
  }
}
