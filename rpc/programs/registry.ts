import { CALLBACK } from './callback.js';
import { DUMP } from './dump.js';
import { GFS4 } from './gfs4.js';
import { HANDSHAKE } from './handshake.js';
import { PORTMAP } from './portmap.js';
import type { Procedure, Program } from './program.js';

/** Every program this package speaks. */
export const PROGRAMS: readonly Program[] = [DUMP, HANDSHAKE, PORTMAP, CALLBACK, GFS4];

export function findProgram(prog: number, vers: number): Program | undefined {
  return PROGRAMS.find((p) => p.prog === prog && p.vers === vers);
}

export function findProcedure(prog: number, vers: number, proc: number): Procedure | undefined {
  return findProgram(prog, vers)?.byNumber.get(proc);
}
