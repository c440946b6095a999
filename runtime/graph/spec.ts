import type { SourceLocation } from '../diagnostics/location.js';

/**
 * What the lifecycle needs from a parsed volfile (runtime/graph/model.ts's VolfileGraph fits it),
 * so graphs can also be built programmatically by embedders and tests.
 */
export interface OptionSpecLine {
  key: string;
  value: string;
  location?: SourceLocation;
}

export interface VolumeSpec {
  name: string;
  type: string;
  options: ReadonlyArray<OptionSpecLine>;
  subvolumes: readonly string[];
  location?: SourceLocation;
  typeLocation?: SourceLocation;
}

export interface GraphSpec {
  source: string;
  volumes: readonly VolumeSpec[];
}

const NOWHERE = (source: string): SourceLocation => ({
  source,
  start: { offset: 0, line: 1, column: 1 },
  end: { offset: 0, line: 1, column: 1 },
});

/** Fill locations for programmatic specs so diagnostics always have a place to point at. */
export function withLocations(spec: GraphSpec) {
  return {
    volumes: spec.volumes.map((v) => ({
      name: v.name,
      type: v.type,
      location: v.location ?? NOWHERE(spec.source),
      options: v.options.map((o) => ({ key: o.key, value: o.value, location: o.location ?? v.location ?? NOWHERE(spec.source) })),
    })),
  };
}
