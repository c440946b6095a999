import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brickVolfile, tempDir } from './helpers.js';
import { freePort } from '../../scripts/lib/free-port.js';
import { alive } from '../../scripts/lib/process.js';
export { alive };
export { freePort };

export const GFS_BRICK = fileURLToPath(new URL('../../scripts/gfs-brick.ts', import.meta.url));


/** Run the gfs-brick command line to completion (a daemonizing run returns once the brick serves). */
export function runGfsBrick(args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', GFS_BRICK, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BrickProcess {
  pid: number;
  port: number;
  dir: string;
  brick: string;
  pidFile: string;
  logFile: string;
  stop(): Promise<void>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A daemonized gfs-brick on a free port, SIGTERMed (then SIGKILLed) in teardown. */
export async function spawnBrick(t: Teardown, serverOptions: Record<string, string> = {}, opts: { locks?: boolean } = {}): Promise<BrickProcess> {
  const dir = tempDir(t, 'gfs-brickproc-');
  const brick = path.join(dir, 'brick');
  fs.mkdirSync(brick);
  const port = await freePort();
  const vol = path.join(dir, 'brick.vol');
  fs.writeFileSync(vol, brickVolfile(brick, { 'transport.socket.listen-port': '24007', ...serverOptions }, opts));
  const pidFile = path.join(dir, 'brick.pid');
  const logFile = path.join(dir, 'brick.log');
  const r = await runGfsBrick(['-f', vol, '-p', pidFile, '-l', logFile, '--brick-port', String(port)]);
  if (r.code !== 0) throw new Error(`gfs-brick failed (${r.code}): ${r.stderr}`);
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!alive(pid)) return;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  };
  t.teardown(stop);
  return { pid, port, dir, brick, pidFile, logFile, stop };
}
