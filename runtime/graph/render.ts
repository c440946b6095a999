/**
 * Three views of a graph, for `gfs volfile graph` and for logging the effective configuration
 * (GlusterFS logs its "Final graph" at start; opaque configuration is a common complaint).
 */
import { optionRecord, type VolfileGraph, type VolumeDecl } from './model.js';

export interface GraphJson {
  top: string;
  volumes: { name: string; type: string; options: Record<string, string>; subvolumes: string[] }[];
}

/** `{"top", "volumes": [{name, type, options: {KEY: RAW_STRING}, subvolumes}]}`, file order. */
export function graphToJson(graph: VolfileGraph): GraphJson {
  return {
    top: graph.top,
    volumes: graph.volumes.map((v) => ({
      name: v.name,
      type: v.type,
      options: optionRecord(v),
      subvolumes: [...v.subvolumes],
    })),
  };
}

export function renderJson(graph: VolfileGraph): string {
  return JSON.stringify(graphToJson(graph), null, 2);
}

/** Graphviz: one box per volume labelled with name and type, edges parent -> child. */
export function renderDot(graph: VolfileGraph): string {
  const q = (s: string) => `"${s.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n')}"`;
  const lines = [`digraph ${q(graph.top || 'volfile')} {`, '  node [shape=box];'];
  for (const v of graph.volumes) {
    const label = `${v.name}\n${v.type}`;
    const attrs = v.name === graph.top ? `label=${q(label)}, style=bold` : `label=${q(label)}`;
    lines.push(`  ${q(v.name)} [${attrs}];`);
  }
  for (const v of graph.volumes) {
    for (const sub of v.subvolumes) lines.push(`  ${q(v.name)} -> ${q(sub)};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/**
 * An indented tree from the top down. A volume with several parents is expanded under the
 * first and marked `(see above)` under the others; unreachable volumes are listed after.
 */
export function renderText(graph: VolfileGraph): string {
  const byName = new Map<string, VolumeDecl>();
  for (const v of graph.volumes) if (!byName.has(v.name)) byName.set(v.name, v);
  const out: string[] = [];
  const expanded = new Set<string>();
  const label = (v: VolumeDecl) => {
    const n = optionRecord(v);
    const count = Object.keys(n).length;
    return `${v.name} (${v.type || 'no type'})${count ? ` [${count} option${count === 1 ? '' : 's'}]` : ''}`;
  };
  // Explicit stack instead of recursion: a long chain must not overflow the call stack.
  const stack: { name: string; prefix: string; branch: string }[] = [];
  if (byName.has(graph.top)) stack.push({ name: graph.top, prefix: '', branch: '' });
  while (stack.length > 0) {
    const { name, prefix, branch } = stack.pop()!;
    const v = byName.get(name);
    if (!v) {
      out.push(`${prefix}${branch}${name} (undefined)`);
      continue;
    }
    if (expanded.has(name)) {
      out.push(`${prefix}${branch}${name} (see above)`);
      continue;
    }
    expanded.add(name);
    out.push(`${prefix}${branch}${label(v)}`);
    const childPrefix = prefix + (branch === '' ? '' : branch === '└─ ' ? '   ' : '│  ');
    const subs = v.subvolumes;
    for (let i = subs.length - 1; i >= 0; i--) {
      stack.push({ name: subs[i]!, prefix: childPrefix, branch: i === subs.length - 1 ? '└─ ' : '├─ ' });
    }
  }
  const rest = graph.volumes.filter((v) => !expanded.has(v.name));
  if (rest.length > 0) {
    out.push('', 'not reachable from the top:');
    for (const v of rest) out.push(`  ${label(v)}`);
  }
  return out.join('\n') + '\n';
}

export type GraphFormat = 'json' | 'dot' | 'text';

export function renderGraph(graph: VolfileGraph, format: GraphFormat): string {
  if (format === 'json') return renderJson(graph) + '\n';
  if (format === 'dot') return renderDot(graph);
  return renderText(graph);
}
