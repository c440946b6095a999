/**
 * What a client wrote into a distribute volume, kept in memory so the other client can check it:
 * directories, files with their bytes, symlinks. Writers go through a mount (node:fs, so through
 * the kernel and the client under test) and record what they did; `verify` reads everything back
 * through another mount and lists every directory.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class Model {
  readonly dirs = new Set<string>(['/']);
  readonly files = new Map<string, Buffer>();
  readonly symlinks = new Map<string, string>();

  constructor(private mnt: string) {}

  /** Point the writer at another mount of the same volume. */
  use(mnt: string): this {
    this.mnt = mnt;
    return this;
  }

  private at(p: string): string {
    return join(this.mnt, p);
  }

  mkdir(p: string): void {
    mkdirSync(this.at(p), { recursive: true });
    for (let d = p; d !== '/'; d = dirname(d)) this.dirs.add(d);
  }

  write(p: string, data: Buffer | string): void {
    const b = Buffer.from(data);
    writeFileSync(this.at(p), b);
    this.files.set(p, b);
  }

  symlink(target: string, p: string): void {
    symlinkSync(target, this.at(p));
    this.symlinks.set(p, target);
  }

  rename(from: string, to: string): void {
    renameSync(this.at(from), this.at(to));
    if (this.dirs.has(from)) {
      const moved = (x: string) => (x === from || x.startsWith(`${from}/`) ? to + x.slice(from.length) : x);
      for (const d of [...this.dirs]) (this.dirs.delete(d), this.dirs.add(moved(d)));
      for (const [k, v] of [...this.files]) (this.files.delete(k), this.files.set(moved(k), v));
      for (const [k, v] of [...this.symlinks]) (this.symlinks.delete(k), this.symlinks.set(moved(k), v));
    } else if (this.files.has(from)) {
      this.files.set(to, this.files.get(from)!);
      this.files.delete(from);
    } else {
      this.symlinks.set(to, this.symlinks.get(from)!);
      this.symlinks.delete(from);
    }
  }

  unlink(p: string): void {
    rmSync(this.at(p));
    this.files.delete(p);
    this.symlinks.delete(p);
  }

  rmdir(p: string): void {
    rmdirSync(this.at(p));
    this.dirs.delete(p);
  }

  /** Entries expected in a directory. */
  children(dir: string): string[] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const all = [...this.dirs, ...this.files.keys(), ...this.symlinks.keys()];
    return all.filter((p) => p !== dir && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length)).sort();
  }

  /**
   * Everything that differs when read through `mnt`: listings, file bytes, symlink targets.
   * Returns the problems and how many entries were checked.
   */
  verify(mnt: string): { problems: string[]; checked: number } {
    const problems: string[] = [];
    let checked = 0;
    for (const d of [...this.dirs].sort()) {
      const got = readdirSync(join(mnt, d)).sort();
      const want = this.children(d);
      if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${d}: listed ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      checked++;
    }
    for (const [p, want] of this.files) {
      const got = readFileSync(join(mnt, p));
      if (!got.equals(want)) problems.push(`${p}: ${got.length} bytes ${sha(got)}, expected ${want.length} bytes ${sha(want)}`);
      checked++;
    }
    for (const [p, want] of this.symlinks) {
      const got = readlinkSync(join(mnt, p));
      if (got !== want) problems.push(`${p}: symlink to ${got}, expected ${want}`);
      checked++;
    }
    return { problems, checked };
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 12);

/** Deterministic content for a path, `size` bytes (binary when large). */
export function content(tag: string, p: string, size = 0): Buffer {
  const head = Buffer.from(`${tag}:${p}\n`);
  if (size <= head.length) return head;
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(head).digest();
  for (let off = 0; off < size; off += block.length) {
    block.copy(out, off);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/**
 * The first client's writes: nested and non-ASCII directories, a flat directory of files, a
 * large binary file, a symlink, renames that leave link files (new name hashed elsewhere), and
 * empty directories whose layouts the other side recreates.
 */
export function writeInitial(m: Model, tag: string): void {
  for (const d of ['/a/b/c', '/répertoire/sous-répertoire', '/日本/データ', '/emoji 🚀', '/flat', '/lay']) m.mkdir(d);
  for (let i = 0; i < 40; i++) m.write(`/flat/f${String(i).padStart(3, '0')}`, content(tag, `/flat/f${i}`));
  m.write('/a/b/c/deep.txt', content(tag, 'deep'));
  m.write('/a/top.txt', content(tag, 'top'));
  m.write('/répertoire/naïve-ü.txt', content(tag, 'naive'));
  m.write('/répertoire/sous-répertoire/Ωmega', content(tag, 'omega'));
  m.write('/日本/データ/ファイル.txt', content(tag, 'jp'));
  m.write('/emoji 🚀/🎉 party.bin', content(tag, 'emoji', 300_000));
  m.write('/big.bin', content(tag, 'big', 3 * 1024 * 1024 + 17));
  m.symlink('b/c/deep.txt', '/a/deep-link');
  for (let i = 0; i < 6; i++) m.mkdir(`/lay/d${i}`);
  m.mkdir('/lay/日本語-dir');
  // Renames within /flat: with three bricks about two in three land on another brick's range.
  for (let i = 0; i < 12; i++) m.rename(`/flat/f${String(i).padStart(3, '0')}`, `/flat/${tag}-renamed-${i}`);
  m.rename('/répertoire/naïve-ü.txt', '/répertoire/sous-répertoire/déplacé.txt');
}

/**
 * The second client's writes over the first one's volume: new files and directories, renames of
 * the first client's files across bricks (including ones that already sit behind a link file),
 * unlinks of linked files, and a directory rename.
 */
export function writeMore(m: Model, tag: string, first: string): void {
  m.mkdir(`/${tag}/sub/ü`);
  for (let i = 0; i < 30; i++) m.write(`/${tag}/x${i}`, content(tag, `/x${i}`));
  m.write(`/${tag}/sub/ü/ñ.txt`, content(tag, 'n'));
  for (let i = 0; i < 20; i++) m.write(`/flat/${tag}-g${i}`, content(tag, `/flat/g${i}`));
  for (let i = 12; i < 24; i++) m.rename(`/flat/f${String(i).padStart(3, '0')}`, `/flat/${tag}-moved-${i}`);
  // Renamed once by the first client (data possibly behind a link file), renamed again here.
  for (let i = 0; i < 6; i++) m.rename(`/flat/${first}-renamed-${i}`, `/flat/${tag}-again-${i}`);
  for (let i = 6; i < 9; i++) m.unlink(`/flat/${first}-renamed-${i}`);
  m.write(`/flat/${first}-renamed-9`, content(tag, 'overwritten'));
  m.rename('/a/b', '/a/b2');
  m.rename('/emoji 🚀/🎉 party.bin', `/${tag}/🎉 moved.bin`);
}
