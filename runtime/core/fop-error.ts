import { constants } from 'node:os';

const byNumber = new Map<number, string>(Object.entries(constants.errno).map(([k, v]) => [v, k]));

/**
 * The one error class for filesystem results: an errno value. Translators throw it; the FUSE
 * bridge and the protocol server convert it once at the edge (FUSE negates it, the wire sends
 * op_ret -1 with op_errno).
 */
/**
 * FopErrors carry no stack trace unless GFS_ERROR_STACKS is set: they are answers (a negative
 * lookup starts every create), not bugs, and capturing the stack of a deep async call chain cost
 * about 6 us per error, more than the syscall behind it. A non-errno failure a translator throws
 * keeps its own stack as the FopError's cause.
 */
const KEEP_STACKS = Boolean(process.env.GFS_ERROR_STACKS);

export class FopError extends Error {
  readonly errno: number;
  readonly code: string;

  constructor(errno: number, message?: string, options?: { cause?: unknown }) {
    const code = byNumber.get(errno) ?? `E${errno}`;
    const limit = Error.stackTraceLimit;
    if (!KEEP_STACKS) Error.stackTraceLimit = 0;
    try {
      super(message ? `${code}: ${message}` : code, options);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'FopError';
    this.errno = errno;
    this.code = code;
  }

  /**
   * The FopError of `errno` with no message: one shared, frozen instance per errno. Building an
   * Error walks the stack and reshapes the object even with no trace kept (about 2 µs in a
   * serving process, 3-4 % of a negative lookup's CPU in the mount and in the brick): the answers
   * given on every request of a kind (a lookup of a missing name, a brick's error reply) throw
   * this one. Frozen: a handler cannot attach anything to an answer others share. With
   * GFS_ERROR_STACKS set, a new one each time, to keep its stack.
   */
  static of(errno: number): FopError {
    if (KEEP_STACKS) return new FopError(errno);
    let e = SHARED.get(errno);
    if (e === undefined) SHARED.set(errno, (e = Object.freeze(new FopError(errno))));
    return e;
  }

  /** Convert a Node system error (`err.code === 'ENOENT'`) or anything else into a FopError. */
  static from(err: unknown): FopError {
    if (err instanceof FopError) return err;
    const e = err as { code?: unknown; errno?: unknown; message?: unknown };
    if (typeof e?.code === 'string' && e.code in constants.errno) {
      return new FopError(constants.errno[e.code as keyof typeof constants.errno], undefined, { cause: err });
    }
    if (typeof e?.errno === 'number' && e.errno !== 0) return new FopError(Math.abs(e.errno), undefined, { cause: err });
    return new FopError(constants.errno.EIO, String(e?.message ?? err), { cause: err });
  }
}

const SHARED = new Map<number, FopError>();

/** errno numbers by name, for `throw new FopError(E.ENOENT)`. */
export const E = constants.errno;

export function fopError(code: keyof typeof constants.errno, message?: string): FopError {
  return new FopError(constants.errno[code], message);
}
