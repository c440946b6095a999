/**
 * `gfs volfile check FILE...`: every problem of every file, located. Beyond GlusterFS's own
 * checks it resolves each translator type (a real glusterd volfile names many types gfs does
 * not ship: they are listed by name) and validates every option against its translator's table.
 */
import { readVolfileText, analyzeVolfileText } from '../../runtime/graph/load.js';
import { GfsError, type DiagnosticData } from '../../runtime/diagnostics/diagnostic.js';
import type { VolfileGraph } from '../../runtime/graph/model.js';
import { parseCommandArgs } from './args.js';
import { resolveTypes, validateOptions } from './types-and-options.js';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, type CliIo } from './io.js';
import { countBySeverity, formatForFile, plural } from './print.js';
import { CHECK_USAGE } from './usage.js';

interface FileResult {
  file: string;
  ok: boolean;
  volumes?: number;
  top?: string;
  /** Types no built-in or installed package provides. */
  missingTypes: string[];
  diagnostics: DiagnosticData[];
  text?: string;
}

export async function runCheck(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      json: { type: 'boolean', default: false },
      'syntax-only': { type: 'boolean', default: false },
      'xlator-option': { type: 'string', multiple: true, default: [] },
      'xlator-path': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
    CHECK_USAGE,
  );
  if (values.help) {
    io.out(CHECK_USAGE);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('no volfile given', CHECK_USAGE);

  const results: FileResult[] = [];
  for (const file of positionals) {
    results.push(
      await checkFile(file, {
        xlatorOptions: values['xlator-option'],
        paths: values['xlator-path'],
        syntaxOnly: values['syntax-only'],
      }),
    );
  }
  const ok = results.every((r) => r.ok);
  if (values.json) {
    const files = results.map(({ text: _text, ...r }) => r);
    io.out(JSON.stringify({ ok, files }, null, 2) + '\n');
  } else {
    for (const r of results) io.out(describe(r));
  }
  return ok ? EXIT_OK : EXIT_PROBLEMS;
}

async function checkFile(
  file: string,
  opts: { xlatorOptions: string[]; paths: string[]; syntaxOnly: boolean },
): Promise<FileResult> {
  let text: string;
  try {
    text = await readVolfileText(file);
  } catch (err) {
    if (!(err instanceof GfsError)) throw err;
    return { file, ok: false, missingTypes: [], diagnostics: err.diagnostics };
  }
  const analysis = analyzeVolfileText(text, file, { xlatorOptions: opts.xlatorOptions });
  const diagnostics = [...analysis.diagnostics];
  const graph: VolfileGraph | undefined = analysis.graph;
  let missingTypes: string[] = [];
  // Types and options are checked even when the graph has errors: report everything at once.
  if (graph && !opts.syntaxOnly) {
    const types = await resolveTypes(graph, { paths: opts.paths, volfile: file });
    diagnostics.push(...types.diagnostics);
    missingTypes = types.missing;
    diagnostics.push(...validateOptions(graph, types.tables));
  }
  const { errors } = countBySeverity(diagnostics);
  return {
    file,
    ok: errors === 0,
    volumes: graph?.volumes.length,
    top: graph?.top,
    missingTypes,
    diagnostics: sortByPosition(diagnostics),
    text,
  };
}

function sortByPosition(diags: DiagnosticData[]): DiagnosticData[] {
  const at = (d: DiagnosticData) => d.location?.start.offset ?? Number.MAX_SAFE_INTEGER;
  return diags.map((d, i) => ({ d, i })).sort((a, b) => at(a.d) - at(b.d) || a.i - b.i).map((x) => x.d);
}

function describe(r: FileResult): string {
  const lines = r.diagnostics.map((d) => formatForFile(d, r.file, r.text));
  const { errors, warnings } = countBySeverity(r.diagnostics);
  if (r.missingTypes.length > 0) {
    lines.push(
      `${r.file}: not installed in gfs: ${r.missingTypes.join(', ')} ` +
        `(the volfile itself may be valid GlusterFS; gfs cannot run these translators)`,
    );
  }
  const graph = r.volumes !== undefined ? `${plural(r.volumes, 'volume')}, top \`${r.top}\`` : 'not parsed';
  const summary = r.ok
    ? `${r.file}: ok (${graph}${warnings ? `, ${plural(warnings, 'warning')}` : ''})`
    : `${r.file}: ${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''} (${graph})`;
  lines.push(summary);
  return lines.join('\n') + '\n';
}
