/** Loads the fixtures recorded on real GlusterFS 10.3 by scripts/dht-fixtures/generate.ts. */
import { readFileSync } from 'node:fs';
import type { LayoutFixture, PlacementFixture, PlacementRecord, DirectoryRecord } from '../../scripts/dht-fixtures/fixture-format.js';
import type { DmHashFixture, GlibcRegexFixture } from '../../scripts/dht-fixtures/glibc-probe.js';
import type { HashRegexOptions } from '../../xlators/cluster/distribute/hash.js';

const load = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;

export const layouts = load<LayoutFixture>('layouts.json');
export const placements = load<PlacementFixture>('placements.json');
export const dmHashes = load<DmHashFixture>('dm-hash.json');
export const glibcRegex = load<GlibcRegexFixture>('glibc-regex.json');

export const fileName = (f: PlacementRecord): Uint8Array =>
  f.name !== undefined ? Buffer.from(f.name, 'utf8') : Buffer.from(f.hex!, 'hex');

/** The DHT options of the mount a directory was created by. */
export function mountOf(dir: DirectoryRecord | string): { weighted: boolean; byGfid: boolean; hash: HashRegexOptions } {
  const rec = typeof dir === 'string' ? layouts.directories.find((d) => d.path === dir)! : dir;
  // The root was laid out by the first (default-options) mount's lookup.
  const spec = rec.mount === 'root' ? layouts.mounts['weighted']! : layouts.mounts[rec.mount]!;
  return {
    weighted: spec.options['weighted-rebalance'] !== 'off',
    byGfid: spec.options['randomize-hash-range-by-gfid'] === 'on',
    hash: { regexLocale: spec.locale.toUpperCase().includes('UTF-8') ? 'utf8' : 'c' },
  };
}

export const chunks: Record<string, number> = Object.fromEntries(Object.entries(layouts.bricks).map(([k, v]) => [k, v.chunks]));

/** trusted.gfid hex to the canonical text uuid_utoa gives. */
export const canonicalGfid = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
