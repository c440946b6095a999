import { GfsError, type DiagnosticData, type Severity } from './diagnostic.js';
import type { SourceLocation } from './location.js';

/**
 * Every diagnostic code the project emits. Append only: codes are an interface that users grep
 * logs for and that `--json` consumers match on, so a code is never renamed or reused.
 */
export const CODES = {
  // volfile text (grammar/)
  VOLFILE_SYNTAX: { severity: 'error', summary: 'the volfile does not follow the volfile grammar' },
  VOLFILE_BACKTICK: { severity: 'error', summary: 'backtick command substitution is refused' },
  VOLFILE_TOO_LARGE: { severity: 'error', summary: 'the volfile is larger than the size limit' },
  VOLFILE_UNREADABLE: { severity: 'error', summary: 'the volfile could not be read' },
  // graph checks (runtime/graph/)
  GRAPH_EMPTY: { severity: 'error', summary: 'the volfile defines no volume' },
  GRAPH_DUPLICATE_VOLUME: { severity: 'error', summary: 'two volumes have the same name' },
  GRAPH_UNDEFINED_SUBVOLUME: { severity: 'error', summary: 'a subvolume is not defined' },
  GRAPH_SUBVOLUME_DEFINED_LATER: { severity: 'error', summary: 'a subvolume is defined after its parent' },
  GRAPH_SELF_REFERENCE: { severity: 'error', summary: 'a volume lists itself as a subvolume' },
  GRAPH_MISSING_TYPE: { severity: 'error', summary: 'a volume has no type' },
  GRAPH_DUPLICATE_TYPE: { severity: 'error', summary: 'a volume gives its type twice' },
  GRAPH_TYPE_NOT_FIRST: { severity: 'error', summary: 'type must come first in a volume' },
  GRAPH_DUPLICATE_SUBVOLUMES: { severity: 'error', summary: 'a volume has more than one subvolumes line' },
  GRAPH_OPTION_OUTSIDE_VOLUME: { severity: 'error', summary: 'an option or subvolumes line stands outside a volume' },
  GRAPH_UNREACHABLE: { severity: 'warning', summary: 'a volume is not reachable from the top' },
  GRAPH_DUPLICATE_OPTION: { severity: 'warning', summary: 'an option is given twice; the last value wins' },
  GRAPH_BAD_XLATOR_OPTION: { severity: 'error', summary: 'an --xlator-option override is malformed' },
  GRAPH_XLATOR_OPTION_UNMATCHED: { severity: 'warning', summary: 'an --xlator-option pattern matches no volume' },
  // options (runtime/options/)
  OPTION_UNKNOWN: { severity: 'error', summary: 'the translator has no such option' },
  OPTION_INVALID: { severity: 'error', summary: 'the option value is not valid for its type' },
  OPTION_OUT_OF_RANGE: { severity: 'error', summary: 'the option value is outside the allowed range' },
  OPTION_NOT_ALLOWED: { severity: 'error', summary: 'the option value is not one of the allowed values' },
  OPTION_REQUIRED: { severity: 'error', summary: 'a required option is missing' },
  OPTION_BAD_DECLARATION: { severity: 'error', summary: 'a translator declares an invalid option table' },
  // loader (runtime/loader/)
  XLATOR_NOT_FOUND: { severity: 'error', summary: 'no built-in translator or installed package provides the type' },
  XLATOR_IMPORT_FAILED: { severity: 'error', summary: 'the translator module failed to load' },
  XLATOR_BAD_EXPORT: { severity: 'error', summary: 'the module does not export a valid translator definition' },
  XLATOR_API_VERSION: { severity: 'error', summary: 'the translator was built for another runtime API version' },
  // lifecycle (runtime/graph/)
  XLATOR_INIT_FAILED: { severity: 'error', summary: 'a translator failed to initialise' },
  XLATOR_FINI_FAILED: { severity: 'warning', summary: 'a translator failed to finish cleanly' },
  XLATOR_NOTIFY_FAILED: { severity: 'error', summary: 'a translator failed while handling an event' },
  XLATOR_RECONFIGURE_FAILED: { severity: 'error', summary: 'a translator rejected new options' },
  XLATOR_FOP_THREW: { severity: 'error', summary: 'a translator threw a non-errno error from a fop' },
  XLATOR_CHILDREN: { severity: 'error', summary: 'the translator has the wrong number of subvolumes' },
  GRAPH_NOT_ACTIVE: { severity: 'error', summary: 'the graph is not active' },
  GRAPH_RECONFIGURE_INCOMPATIBLE: { severity: 'error', summary: 'the new graph differs in names or types' },
  // gfs-brick (scripts/brick/)
  BRICK_TOP_NOT_SERVER: { severity: 'error', summary: 'the top volume of a brick volfile is not protocol/server' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type Code = keyof typeof CODES;

export interface DiagnosticInput {
  message: string;
  location?: SourceLocation;
  volume?: string;
  xlatorType?: string;
  hint?: string;
  cause?: unknown;
}

/** Build the data of a diagnostic (to collect several before failing). */
export function diagnostic(code: Code, input: DiagnosticInput): DiagnosticData {
  const { cause: _cause, ...rest } = input;
  return { code, severity: CODES[code].severity, ...rest };
}

/** Build a throwable error for one diagnostic. */
export function gfsError(code: Code, input: DiagnosticInput): GfsError {
  return new GfsError({ code, severity: CODES[code].severity, ...input });
}

/** Throw one error carrying every error-severity diagnostic in the list, if any. */
export function throwIfErrors(diags: DiagnosticData[]): void {
  const errors = diags.filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const first = errors[0]!;
  const message = errors.length === 1 ? first.message : `${first.message} (and ${errors.length - 1} more problems)`;
  throw new GfsError({ ...first, message, diagnostics: errors });
}
