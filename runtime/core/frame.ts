let nextUnique = 1n;

/**
 * The call stack root of GlusterFS: who asks (uid, gid, groups, pid), the POSIX lock owner, a
 * unique id for logs and tracing, and an AbortSignal that fires when the caller gives up
 * (FUSE INTERRUPT, a dropped client connection, teardown).
 */
export interface Frame {
  readonly uid: number;
  readonly gid: number;
  readonly pid: number;
  readonly groups: readonly number[];
  /** Opaque lock owner, up to 1024 bytes on the wire (8 from the kernel). */
  readonly lkOwner: Buffer;
  readonly unique: bigint;
  readonly signal: AbortSignal;
  /** Identifies the client (a mount, a remote connection); locks and fds are released by it. */
  readonly client: string;
}

const NEVER = new AbortController().signal;

export function createFrame(init: Partial<Omit<Frame, 'unique'>> = {}): Frame {
  return {
    uid: init.uid ?? 0,
    gid: init.gid ?? 0,
    pid: init.pid ?? 0,
    groups: init.groups ?? [],
    lkOwner: init.lkOwner ?? Buffer.alloc(0),
    unique: nextUnique++,
    signal: init.signal ?? NEVER,
    client: init.client ?? 'local',
  };
}
