import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Fs, FsHandle } from '../fs.js';
import { decode, encode, type Reply } from './wire.js';

const HELPER = fileURLToPath(new URL('./user-helper.ts', import.meta.url));

type Pending = { resolve(v: unknown): void; reject(e: Error): void };

/**
 * An Fs whose calls run in a helper process acting as uid/gid (see user-helper.ts). One helper
 * per identity, kept for the whole run; `close()` ends it.
 */
export class UserProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  readonly ready: Promise<void>;

  constructor(root: string, uid: number, gid: number, groups: number[] = []) {
    this.child = spawn(process.execPath, ['--import', 'tsx', HELPER, root, String(uid), String(gid), groups.join(',')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve: () => resolve(), reject });
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const r = JSON.parse(line) as Reply;
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.error) p.reject(Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { code: r.error.code }));
      else p.resolve(decode(r.value ?? null));
    });
    this.child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`user helper exited with ${code}`));
      this.pending.clear();
    });
  }

  call(op: string, ...args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin!.write(JSON.stringify({ id, op, args: encode(args) }) + '\n');
    });
  }

  fs(): Fs {
    const call = <T>(op: string) => (...args: unknown[]) => this.call(op, ...args) as Promise<T>;
    const handle = (id: number): FsHandle => ({
      read: (...a) => this.call('handle.read', id, ...a) as Promise<Buffer>,
      write: (...a) => this.call('handle.write', id, ...a) as Promise<number>,
      truncate: (...a) => this.call('handle.truncate', id, ...a) as Promise<void>,
      stat: () => this.call('handle.stat', id) as never,
      sync: () => this.call('handle.sync', id) as Promise<void>,
      seek: (...a) => this.call('handle.seek', id, ...a) as Promise<number>,
      close: () => this.call('handle.close', id) as Promise<void>,
    });
    const names = [
      'writeFile', 'readFile', 'stat', 'lstat', 'access', 'mkdir', 'rmdir', 'unlink', 'rename', 'link', 'symlink', 'readlink',
      'readdir', 'mkfifo', 'mknod', 'chmod', 'chown', 'lchown', 'utimes', 'truncate', 'setxattr', 'getxattr', 'listxattr', 'removexattr',
    ] as const;
    const fs = Object.fromEntries(names.map((n) => [n, call(n)])) as unknown as Fs;
    return {
      ...fs,
      open: async (...a) => handle((await this.call('open', ...a)) as number),
      as: () => Promise.reject(new Error('a user helper cannot switch users again')),
    };
  }

  /** End the helper (stdin closed; killed if it does not go). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
