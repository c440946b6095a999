/** `gfs volfile graph FILE --format json|dot|text`: the graph alone on stdout. */
import { GfsError } from '../../runtime/diagnostics/diagnostic.js';
import { analyzeVolfileText, readVolfileText } from '../../runtime/graph/load.js';
import { renderGraph, type GraphFormat } from '../../runtime/graph/render.js';
import { parseCommandArgs } from './args.js';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, type CliIo } from './io.js';
import { formatForFile } from './print.js';
import { GRAPH_USAGE } from './usage.js';

const FORMATS: readonly GraphFormat[] = ['json', 'dot', 'text'];

export async function runGraph(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      format: { type: 'string', default: 'text' },
      'xlator-option': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
    GRAPH_USAGE,
  );
  if (values.help) {
    io.out(GRAPH_USAGE);
    return EXIT_OK;
  }
  const format = values.format as GraphFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format \`${values.format}\` (json, dot or text)`, GRAPH_USAGE);
  if (positionals.length !== 1) throw new UsageError('give exactly one volfile', GRAPH_USAGE);
  const file = positionals[0]!;

  let text: string;
  try {
    text = await readVolfileText(file);
  } catch (err) {
    if (!(err instanceof GfsError)) throw err;
    io.err(err.diagnostics.map((d) => formatForFile(d, file, undefined)).join('\n') + '\n');
    return EXIT_PROBLEMS;
  }
  const { graph, diagnostics } = analyzeVolfileText(text, file, { xlatorOptions: values['xlator-option'] });
  if (diagnostics.length > 0) io.err(diagnostics.map((d) => formatForFile(d, file, text)).join('\n') + '\n');
  if (!graph || diagnostics.some((d) => d.severity === 'error')) return EXIT_PROBLEMS;
  io.out(renderGraph(graph, format));
  return EXIT_OK;
}
