// A number, not a bigint: a bigint increment allocates on every frame, and 2^53 frames are never reached.
let nextUnique = 1;

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
  readonly unique: number;
  readonly signal: AbortSignal;
  /** Identifies the client (a mount, a remote connection); locks and fds are released by it. */
  readonly client: string;
  /**
   * A readv in this frame may answer with its data still in a pipe (runtime/core/pipe-bytes.ts):
   * set by protocol/server, which sends such data to the socket uncopied; cleared on the way
   * down by any translator that does not declare `passesReadData`.
   */
  pipedReads?: boolean;
  /**
   * The caller consumes a readv's data at once and keeps none of it, so the data may come in a
   * pooled buffer it gives back (runtime/core/recycle.ts): set by the FUSE bridge for READ,
   * used by protocol/client; cleared on the way down as `pipedReads` is.
   */
  recycledReads?: boolean;
}

const NEVER = new AbortController().signal;
/** The lock owner of frames that have none (shared: a zero-length buffer cannot be changed). */
const NO_OWNER = Buffer.alloc(0);

/** An owner of an AbortSignal it makes only when first asked (see createFrame). */
export interface SignalSource {
  readonly signal: AbortSignal;
}

class CallFrame implements Frame {
  pipedReads = false;
  recycledReads = false;

  constructor(
    readonly uid: number,
    readonly gid: number,
    readonly pid: number,
    readonly groups: readonly number[],
    readonly lkOwner: Buffer,
    readonly unique: number,
    readonly client: string,
    private readonly source: AbortSignal | SignalSource,
  ) {}

  get signal(): AbortSignal {
    const s = this.source;
    return s instanceof AbortSignal ? s : s.signal;
  }
}

/**
 * A frame. `signal` may be a SignalSource (a FUSE request): its signal is then made the first
 * time a translator asks for it, so a fop nobody waits on interruptibly costs no AbortController.
 */
export function createFrame(init: Partial<Omit<Frame, 'unique' | 'signal'>> & { signal?: AbortSignal | SignalSource } = {}): Frame {
  return new CallFrame(
    init.uid ?? 0,
    init.gid ?? 0,
    init.pid ?? 0,
    init.groups ?? [],
    init.lkOwner ?? NO_OWNER,
    nextUnique++,
    init.client ?? 'local',
    init.signal ?? NEVER,
  );
}
