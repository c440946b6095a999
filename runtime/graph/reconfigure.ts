import { diagnostic, gfsError, throwIfErrors } from '../diagnostics/codes.js';
import { validateGraphOptions } from '../options/index.js';
import type { Graph } from './graph.js';
import { withLocations, type GraphSpec } from './spec.js';

/**
 * Apply a changed volfile to a running graph, as glusterfs does when names and types are
 * unchanged: validate the new options with the same code as at load, then call each changed
 * translator's reconfigure. A translator that refuses keeps its old options.
 */
export async function reconfigureGraph(graph: Graph, spec: GraphSpec): Promise<string[]> {
  const same =
    spec.volumes.length === graph.xlators.length &&
    spec.volumes.every((v, i) => {
      const xl = graph.xlators[i]!;
      return xl.name === v.name && xl.type === v.type && xl.children.map((c) => c.name).join('\0') === v.subvolumes.join('\0');
    });
  if (!same) {
    throw gfsError('GRAPH_RECONFIGURE_INCOMPATIBLE', {
      message: 'the new volfile changes volume names, types or subvolumes; a new graph must be activated instead',
    });
  }
  const tables = new Map(graph.xlators.map((x) => [x.name, x.def.options]));
  const validated = validateGraphOptions(withLocations(spec), tables);
  throwIfErrors(validated.diagnostics);
  const changed: string[] = [];
  const failures = [];
  for (const xl of graph.xlators) {
    const next = validated.values.get(xl.name) ?? {};
    if (JSON.stringify(next, big) === JSON.stringify(xl.options, big)) continue;
    try {
      await xl.def.reconfigure?.(xl as never, next as never);
      xl.options = next as never;
      const level = (next['log-level'] as string | undefined)?.toUpperCase();
      xl.log.level = level as never;
      changed.push(xl.name);
    } catch (cause) {
      failures.push(
        diagnostic('XLATOR_RECONFIGURE_FAILED', {
          message: `${xl.name} refused the new options: ${(cause as Error)?.message ?? String(cause)}`,
          volume: xl.name,
          xlatorType: xl.type,
        }),
      );
    }
  }
  throwIfErrors(failures);
  return changed;
}

const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
