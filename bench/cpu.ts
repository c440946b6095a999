/**
 * CPU time of a target's own processes (its mount, its bricks) while a phase runs. Rates on a
 * two-core machine swing from round to round (both systems share the cores with the workload and
 * the kernel); the CPU an operation costs each side swings much less, and says which side (the
 * client or the bricks) a difference comes from.
 */
import fs from 'node:fs';

/** How a workload finds its target's processes: every argument list naming a file under `home`; the client is the one naming `mnt`. */
export interface CpuSpec {
  home: string;
  mnt: string;
}

export interface CpuPids {
  client: number[];
  server: number[];
}

/** Nanoseconds on a CPU, all threads, per side. */
export interface CpuUse {
  client: number;
  server: number;
}

function argsOf(pid: string): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

/** The processes serving a target, found by their command lines (the workload itself excluded). */
export function findPids(spec: CpuSpec): CpuPids {
  const out: CpuPids = { client: [], server: [] };
  const under = spec.home.endsWith('/') ? spec.home : `${spec.home}/`;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const args = argsOf(pid);
    if (!args?.some((a) => a.startsWith(under))) continue;
    (args.includes(spec.mnt) ? out.client : out.server).push(Number(pid));
  }
  // A side not found would show as 0 µs, or its CPU under the other side: say so instead.
  if (!out.client.length || !out.server.length) {
    throw new Error(`CPU accounting: no ${out.client.length ? 'brick' : 'client'} process found naming a file under ${spec.home} (client: one naming ${spec.mnt})`);
  }
  return out;
}

/**
 * CPU time of the processes so far: the first field of each thread's schedstat (ns on a CPU).
 * Threads that ended are not counted; the long-lived ones (event loops, thread pools, epoll
 * threads) do the work measured here.
 */
function cpuNs(pids: readonly number[]): number {
  let ns = 0;
  for (const pid of pids) {
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        ns += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended
      }
    }
  }
  return ns;
}

export function sampleCpu(p: CpuPids): CpuUse {
  return { client: cpuNs(p.client), server: cpuNs(p.server) };
}
