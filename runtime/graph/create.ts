import { diagnostic, throwIfErrors } from '../diagnostics/codes.js';
import { GfsError, type DiagnosticData } from '../diagnostics/diagnostic.js';
import { resolveXlator } from '../loader/index.js';
import { validateGraphOptions } from '../options/index.js';
import type { XlatorDefinition } from '../xlator/define.js';
import { Xlator } from '../xlator/xlator.js';
import { Graph, type GraphOptions } from './graph.js';
import { withLocations, type GraphSpec } from './spec.js';

export interface CreateGraphOptions extends GraphOptions {
  /** Definitions by type that take precedence over the loader (embedding, tests). */
  xlators?: Readonly<Record<string, XlatorDefinition<any, any>>>;
  /** Extra places to look for plugin packages (the volfile's directory, a project root). */
  searchPaths?: string[];
}

/** Load every type the spec names; report each that cannot be loaded at its `type` line. */
export async function resolveDefinitions(spec: GraphSpec, opts: CreateGraphOptions = {}) {
  const defs = new Map<string, XlatorDefinition<any, any>>();
  const diagnostics: DiagnosticData[] = [];
  const volfile = spec.source.startsWith('<') ? undefined : spec.source;
  for (const vol of spec.volumes) {
    const given = opts.xlators?.[vol.type];
    if (given) {
      defs.set(vol.name, given);
      continue;
    }
    const location = vol.typeLocation ?? vol.location;
    try {
      // The loader caches per type, so a type used by many volumes loads once.
      defs.set(vol.name, await resolveXlator(vol.type, { paths: opts.searchPaths, volfile, volume: vol.name, location }));
    } catch (err) {
      if (err instanceof GfsError) {
        diagnostics.push(...err.diagnostics.map((d) => ({ ...d, location: d.location ?? location, volume: vol.name, xlatorType: vol.type })));
        continue;
      }
      diagnostics.push(
        diagnostic('XLATOR_IMPORT_FAILED', {
          message: `cannot load type ${vol.type}: ${(err as Error)?.message ?? String(err)}`,
          location,
          volume: vol.name,
          xlatorType: vol.type,
        }),
      );
    }
  }
  return { defs, diagnostics };
}

/**
 * Build a graph without starting it: every type loaded, every option of every volume validated
 * and normalised (all problems reported together), translators wired children-first.
 */
export async function createGraph(spec: GraphSpec, opts: CreateGraphOptions = {}): Promise<Graph> {
  const { defs, diagnostics } = await resolveDefinitions(spec, opts);
  const tables = new Map([...defs].map(([name, def]) => [name, def.options]));
  const validated = validateGraphOptions(withLocations(spec), tables);
  diagnostics.push(...validated.diagnostics);
  for (const vol of spec.volumes) {
    const def = defs.get(vol.name);
    const want = def?.children;
    if (!want) continue;
    const n = vol.subvolumes.length;
    if ((want.min !== undefined && n < want.min) || (want.max !== undefined && n > want.max)) {
      const range = want.max === 0 ? 'no subvolumes' : want.max === undefined ? `at least ${want.min}` : `${want.min ?? 0} to ${want.max}`;
      diagnostics.push(
        diagnostic('XLATOR_CHILDREN', {
          message: `${vol.type} takes ${range} subvolume(s), ${vol.name} has ${n}`,
          location: vol.location,
          volume: vol.name,
          xlatorType: vol.type,
        }),
      );
    }
  }
  throwIfErrors(diagnostics);

  const graph = new Graph(spec.source, opts);
  for (const vol of spec.volumes) {
    const xl = new Xlator(graph, vol.name, defs.get(vol.name)!, validated.values.get(vol.name) ?? {});
    for (const childName of vol.subvolumes) {
      const child = graph.get(childName);
      // The graph passes already refused undefined or later-defined subvolumes.
      if (!child) throw new Error(`subvolume ${childName} of ${vol.name} is not defined before it`);
      xl.children.push(child);
      child.parents.push(xl);
    }
    graph.add(xl);
  }
  return graph;
}

/** createGraph, then activate: init top-down, GRAPH_NEW, PARENT_UP. */
export async function activateGraph(spec: GraphSpec, opts: CreateGraphOptions = {}): Promise<Graph> {
  const graph = await createGraph(spec, opts);
  await graph.activate();
  return graph;
}
