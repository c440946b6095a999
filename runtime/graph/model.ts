/**
 * The translator graph a volfile describes, as plain data. This is what option validation,
 * activation and gfs-mount consume; the syntax tree (grammar/ast.ts) stays behind in the parser.
 *
 * Conventions (GlusterFS graph.y / graph.c):
 * - `volumes` is in file order; a subvolume is always defined before its parents.
 * - the LAST volume defined is the top of the graph (`top`).
 * - `options` keeps every `option` line in file order; when a key repeats, the last one wins
 *   (GlusterFS's dict_set_str). Use `optionMap()` / `optionRecord()` for the effective view.
 * - a child may have several parents.
 */
import { diagnostic, gfsError } from '../diagnostics/codes.js';
import type { DiagnosticData } from '../diagnostics/diagnostic.js';
import type { SourceLocation } from '../diagnostics/location.js';

/** Where an option came from. Only `volfile` options have a location in the file. */
export type OptionOrigin = 'volfile' | 'xlator-option' | 'program';

export interface OptionDecl {
  key: string;
  /** The value after quote processing (`"a \"b\""` gives `a "b"`). Always a string, as in GlusterFS. */
  value: string;
  origin: OptionOrigin;
  /** The whole `option KEY VALUE` line; absent unless origin is `volfile`. */
  location?: SourceLocation;
  /** The value token alone (where a bad value is pointed at); absent unless origin is `volfile`. */
  valueLocation?: SourceLocation;
  /** For origin `xlator-option`: the command-line argument that set it. */
  override?: string;
}

export interface VolumeDecl {
  name: string;
  /** `category/name`, e.g. `cluster/distribute`. Empty when the volume gave no type (an error). */
  type: string;
  typeLocation?: SourceLocation;
  /** Every option in file order (then overrides). Duplicate keys: the last wins. */
  options: OptionDecl[];
  /** Child volume names, in the order given. */
  subvolumes: string[];
  /** One location per entry of `subvolumes`. */
  subvolumeLocations: (SourceLocation | undefined)[];
  /** The volume's name in `volume NAME`; absent for volumes added by program. */
  location?: SourceLocation;
  /** From `volume` to `end-volume`. */
  blockLocation?: SourceLocation;
}

export interface VolfileGraph {
  /** File name as given by the user, or a label such as `<stdin>`. */
  source: string;
  /** The volfile text (for code frames). */
  text: string;
  /** In file order; programmatically appended volumes come last. */
  volumes: VolumeDecl[];
  /** Name of the top volume: the last one defined. */
  top: string;
  /** Warnings found while loading (unreachable volumes, duplicate options, ...). */
  warnings: DiagnosticData[];
}

/** The effective options of a volume: last duplicate wins. */
export function optionMap(volume: VolumeDecl): Map<string, OptionDecl> {
  const map = new Map<string, OptionDecl>();
  for (const o of volume.options) map.set(o.key, o);
  return map;
}

/** The effective options as raw strings, in first-seen key order. */
export function optionRecord(volume: VolumeDecl): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of volume.options) out[o.key] = o.value;
  return out;
}

export function volumeByName(graph: VolfileGraph, name: string): VolumeDecl | undefined {
  return graph.volumes.find((v) => v.name === name);
}

export function topVolume(graph: VolfileGraph): VolumeDecl | undefined {
  return volumeByName(graph, graph.top);
}

/** Volumes that list `name` as a subvolume, in file order. */
export function parentsOf(graph: VolfileGraph, name: string): VolumeDecl[] {
  return graph.volumes.filter((v) => v.subvolumes.includes(name));
}

/** The subvolumes of a volume that exist in the graph, in the order given. */
export function childrenOf(graph: VolfileGraph, volume: VolumeDecl): VolumeDecl[] {
  return volume.subvolumes.map((n) => volumeByName(graph, n)).filter((v): v is VolumeDecl => v !== undefined);
}

export interface NewVolume {
  name: string;
  type: string;
  /** Raw string values, as a volfile would give them. */
  options?: Record<string, string>;
  /** Defaults to the current top: the new volume is stacked on the graph. */
  subvolumes?: string[];
}

/**
 * Add a volume after all others and make it the top, as GlusterFS does when the mount inserts
 * features/read-only (glusterfs_graph_insert). Mutates `graph`; returns the new volume.
 * Throws GfsError GRAPH_DUPLICATE_VOLUME / GRAPH_UNDEFINED_SUBVOLUME / GRAPH_SELF_REFERENCE.
 */
export function appendVolume(graph: VolfileGraph, spec: NewVolume): VolumeDecl {
  const subvolumes = spec.subvolumes ?? (graph.top ? [graph.top] : []);
  if (volumeByName(graph, spec.name)) {
    throw gfsError('GRAPH_DUPLICATE_VOLUME', { message: `volume \`${spec.name}\` is already defined`, volume: spec.name });
  }
  for (const sub of subvolumes) {
    if (sub === spec.name) {
      throw gfsError('GRAPH_SELF_REFERENCE', { message: `volume \`${sub}\` lists itself as a subvolume`, volume: sub });
    }
    if (!volumeByName(graph, sub)) {
      throw gfsError('GRAPH_UNDEFINED_SUBVOLUME', { message: `subvolume \`${sub}\` is not defined`, volume: spec.name });
    }
  }
  const volume: VolumeDecl = {
    name: spec.name,
    type: spec.type,
    options: Object.entries(spec.options ?? {}).map(([key, value]) => ({ key, value, origin: 'program' })),
    subvolumes: [...subvolumes],
    subvolumeLocations: subvolumes.map(() => undefined),
  };
  graph.volumes.push(volume);
  graph.top = volume.name;
  return volume;
}

/** An empty graph to build programmatically (tests, gfs-mount without a file). */
export function emptyGraph(source = '<program>'): VolfileGraph {
  return { source, text: '', volumes: [], top: '', warnings: [] };
}

/** Used by passes: a warning or error about one volume, located at its name. */
export function volumeDiagnostic(
  code: Parameters<typeof diagnostic>[0],
  volume: VolumeDecl,
  message: string,
  location = volume.location,
  hint?: string,
): DiagnosticData {
  return diagnostic(code, { message, volume: volume.name, xlatorType: volume.type || undefined, location, hint });
}
