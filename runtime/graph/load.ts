/**
 * From volfile text (or a file) to a checked VolfileGraph:
 * size limit -> backtick refusal -> Peggy parse -> model -> passes -> --xlator-option overrides.
 *
 * `analyzeVolfileText` never throws for problems in the input: it returns every diagnostic
 * (the CLI prints them all). `parseVolfileText` / `readVolfile` throw one GfsError carrying
 * every error, and keep warnings in `graph.warnings`.
 */
import { open } from 'node:fs/promises';
import type { VolfileAst } from '../../grammar/ast.js';
import { MAX_VOLFILE_BYTES, parseVolfileAst } from '../../grammar/volfile.js';
import { gfsError, throwIfErrors } from '../diagnostics/codes.js';
import { GfsError, type DiagnosticData } from '../diagnostics/diagnostic.js';
import type { VolfileGraph, VolumeDecl } from './model.js';
import { applyXlatorOptions } from './overrides.js';
import { runPasses, sortDiagnostics } from './passes/index.js';

export { MAX_VOLFILE_BYTES } from '../../grammar/volfile.js';

export interface LoadOptions {
  /** `PATTERN.KEY=VALUE` overrides, applied after the file is checked. */
  xlatorOptions?: readonly string[];
  /** Refuse larger inputs (default 16 MiB). */
  maxBytes?: number;
}

export interface Analysis {
  /** Absent only when the text could not be parsed at all. */
  graph?: VolfileGraph;
  ast?: VolfileAst;
  /** Errors and warnings, sorted by position. */
  diagnostics: DiagnosticData[];
}

export function analyzeVolfileText(text: string, source: string, opts: LoadOptions = {}): Analysis {
  let ast: VolfileAst;
  try {
    ast = parseVolfileAst(text, source, opts.maxBytes ?? MAX_VOLFILE_BYTES);
  } catch (err) {
    if (err instanceof GfsError) return { diagnostics: err.diagnostics };
    throw err;
  }
  const graph = graphFromAst(ast, text, source);
  const diagnostics = runPasses({ graph, ast });
  diagnostics.push(...applyXlatorOptions(graph, opts.xlatorOptions ?? []));
  graph.warnings = diagnostics.filter((d) => d.severity === 'warning');
  return { graph, ast, diagnostics: sortDiagnostics(diagnostics) };
}

/** Parse and check; throws one GfsError carrying every error. */
export function parseVolfileText(text: string, source: string, opts: LoadOptions = {}): VolfileGraph {
  const { graph, diagnostics } = analyzeVolfileText(text, source, opts);
  throwIfErrors(diagnostics);
  return graph!;
}

/** Read a volfile, refusing it before reading when it is too large. VOLFILE_UNREADABLE on I/O errors. */
export async function readVolfileText(path: string, maxBytes = MAX_VOLFILE_BYTES): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw gfsError('VOLFILE_UNREADABLE', { message: `cannot read volfile ${path}: not a regular file` });
    if (st.size > maxBytes) {
      throw gfsError('VOLFILE_TOO_LARGE', {
        message: `the volfile ${path} is ${st.size} bytes, larger than the limit of ${maxBytes} bytes; refusing to read it`,
      });
    }
    // Read at most one byte past the limit: the file may grow between stat and read.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let length = 0;
    while (length < buf.length) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) {
      throw gfsError('VOLFILE_TOO_LARGE', { message: `the volfile ${path} grew past the limit of ${maxBytes} bytes while being read` });
    }
    return buf.subarray(0, length).toString('utf8');
  } catch (err) {
    if (err instanceof GfsError) throw err;
    throw unreadable(path, err);
  } finally {
    await handle.close();
  }
}

export async function readVolfile(path: string, opts: LoadOptions = {}): Promise<VolfileGraph> {
  const text = await readVolfileText(path, opts.maxBytes);
  return parseVolfileText(text, path, opts);
}

function unreadable(path: string, err: unknown): GfsError {
  const reason = err instanceof Error ? err.message : String(err);
  return gfsError('VOLFILE_UNREADABLE', { message: `cannot read volfile ${path}: ${reason}`, cause: err });
}

/**
 * The model view of the tree: the first `type` and the first `subvolumes` line count (the
 * passes report any second one). Statements outside volumes do not enter the model.
 */
function graphFromAst(ast: VolfileAst, text: string, source: string): VolfileGraph {
  const volumes: VolumeDecl[] = [];
  for (const item of ast.items) {
    if (item.kind !== 'volume') continue;
    const type = item.body.find((s) => s.kind === 'type');
    const subs = item.body.find((s) => s.kind === 'subvolumes');
    const volume: VolumeDecl = {
      name: item.name.text,
      type: type?.value.text ?? '',
      typeLocation: type?.value.location,
      options: [],
      subvolumes: subs ? subs.names.map((w) => w.text) : [],
      subvolumeLocations: subs ? subs.names.map((w) => w.location) : [],
      location: item.name.location,
      blockLocation: item.location,
    };
    for (const s of item.body) {
      if (s.kind !== 'option') continue;
      volume.options.push({
        key: s.key.text,
        value: s.value.text,
        origin: 'volfile',
        location: s.location,
        valueLocation: s.value.location,
      });
    }
    volumes.push(volume);
  }
  return { source, text, volumes, top: volumes.at(-1)?.name ?? '', warnings: [] };
}
