import { writeSync } from 'node:fs';
import { attachPipeBytes, closePipe, makePipe, PipeBytes, type Pipe } from '../../runtime/core/pipe-bytes.js';

/**
 * `data` in a fresh 2 MiB pipe behind a zeroed placeholder, as the FUSE session hands a large
 * WRITE's data on (runtime/core/pipe-bytes.ts). `release` gets the pipe when it is answered
 * (default: closed).
 */
export function pipedPayload(data: Buffer, release: (p: Pipe) => void = closePipe): PipeBytes {
  const pipe = makePipe(2 << 20);
  if (!pipe) throw new Error('cannot make a 2 MiB pipe: raise fs.pipe-max-size (scripts/install-deps.sh does)');
  for (let done = 0; done < data.length; ) done += writeSync(pipe.w, data, done);
  const pb = new PipeBytes(pipe, Buffer.alloc(data.length), release);
  attachPipeBytes(pb);
  return pb;
}
