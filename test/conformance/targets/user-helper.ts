/**
 * A long-lived helper that performs fs calls as another user: started as root with
 * `ROOT UID GID [GROUPS]`, it loads everything it needs, sets its supplementary groups, gid and
 * uid (in that order: once uid is not 0 nothing else may change), then executes the JSON-line
 * requests it reads on stdin with node:fs and the native addon, answering on stdout.
 */
import { createInterface } from 'node:readline';
import type { FsHandle } from '../fs.js';
import { nodeFs } from './node-fs.js';
import { decode, encode, type Reply, type Request } from './wire.js';

const [root, uid, gid, groups] = process.argv.slice(2);
process.setgroups!((groups ?? '').split(',').filter(Boolean).map(Number));
process.setgid!(Number(gid));
process.setuid!(Number(uid));
process.umask(0o022);

const fs = nodeFs(root!, () => Promise.reject(new Error('a user helper cannot switch users again')));
const handles = new Map<number, FsHandle>();
let nextHandle = 1;

async function run(op: string, args: unknown[]): Promise<unknown> {
  if (op.startsWith('handle.')) {
    const h = handles.get(args[0] as number);
    if (!h) throw Object.assign(new Error('no such handle'), { code: 'EBADF' });
    const method = op.slice('handle.'.length) as keyof FsHandle;
    if (method === 'close') handles.delete(args[0] as number);
    return (h[method] as (...a: unknown[]) => Promise<unknown>)(...args.slice(1));
  }
  if (op === 'open') {
    const h = await fs.open(...(args as [string, string, number?]));
    handles.set(nextHandle, h);
    return nextHandle++;
  }
  const fn = fs[op as keyof typeof fs] as ((...a: unknown[]) => Promise<unknown>) | undefined;
  if (typeof fn !== 'function') throw new Error(`unknown op ${op}`);
  return fn(...args);
}

const send = (r: Reply) => process.stdout.write(JSON.stringify(r) + '\n');

createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line) as Request;
  run(req.op, decode(req.args) as unknown[]).then(
    (value) => send({ id: req.id, ok: true, value: encode(value) }),
    (err: NodeJS.ErrnoException) => send({ id: req.id, error: { code: err.code ?? 'EIO', message: err.message } }),
  );
});
process.stdin.on('end', () => process.exit(0));
send({ id: 0, ok: true, value: 'ready' });
