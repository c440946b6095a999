import { writeSync } from 'node:fs';
import { attachPipeBytes, closePipe, makePipe, PIPE_BYTES, PipeBytes, type Pipe } from '../../runtime/core/pipe-bytes.js';

/**
 * `data` in a fresh 2 MiB pipe behind a zeroed placeholder, as the FUSE session hands a large
 * WRITE's data on (runtime/core/pipe-bytes.ts). `release` gets the pipe when it is answered
 * (default: closed); `pipe` is used instead of a fresh one when given.
 */
export function pipedPayload(data: Buffer, opts: { release?: (p: Pipe) => void; finishOnSend?: boolean; pipe?: Pipe } = {}): PipeBytes {
  const pipe = opts.pipe ?? makePipe(PIPE_BYTES);
  if (!pipe) throw new Error('cannot make a 2 MiB pipe: raise fs.pipe-max-size (scripts/install-deps.sh does)');
  for (let done = 0; done < data.length; ) done += writeSync(pipe.w, data, done);
  const pb = new PipeBytes(pipe, Buffer.alloc(data.length), opts.release ?? closePipe, opts.finishOnSend);
  attachPipeBytes(pb);
  return pb;
}
