/** The JSON shape of test/dht/fixtures/*.json, written by generate.ts. */

/** How one client mount's cluster/distribute was configured. */
export interface MountSpec {
  /** Top directory this mount created (all directories under it come from it). */
  top: string;
  /** Extra cluster/distribute options in its volfile. */
  options: Record<string, string>;
  /** LC_ALL the client ran with ("" = unset, i.e. the C locale here). */
  locale: string;
}

export interface BrickInfo {
  /** statvfs f_bsize and f_blocks of the brick's filesystem. */
  bsize: number;
  blocks: number;
  /** What dht_du_info_cbk derives: ceil(blocks / (1 MiB / bsize)). */
  chunks: number;
}

export interface DirectoryRecord {
  /** Path inside the volume, as the client's loc->path ("/" for the root). */
  path: string;
  /** Which mount created it (key of LayoutFixture.mounts), "root" for "/". */
  mount: string;
  /** trusted.gfid, hex without 0x. */
  gfid: string;
  /** trusted.glusterfs.dht on each subvolume's brick, hex without 0x. */
  layout: Record<string, string>;
}

export interface LayoutFixture {
  glusterfs: string;
  generatedBy: string;
  /** Subvolume names, sorted; placements and layouts use these. */
  subvolumes: string[];
  /** The order the client volfile listed them in. */
  volfileOrder: string[];
  bricks: Record<string, BrickInfo>;
  mounts: Record<string, MountSpec>;
  directories: DirectoryRecord[];
}

export interface PlacementRecord {
  dir: string;
  /** The name, when its bytes are valid UTF-8. */
  name?: string;
  /** Otherwise the name's bytes in hex. */
  hex?: string;
  kind: string;
  /** The subvolume whose brick holds the file (link files ignored). */
  subvol: string;
}

export interface PlacementFixture {
  glusterfs: string;
  /** Link files seen on bricks (expected none: every brick had room). */
  linkFiles: number;
  files: PlacementRecord[];
}
