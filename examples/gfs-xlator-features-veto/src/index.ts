import { defineXlator, FopError, E } from 'gfs';
import type { DirEntry, Loc, Xlator } from 'gfs';

/**
 * features/veto: names matching a pattern cannot be created, and (with `hide`) existing ones are
 * invisible, like Samba's "veto files". Put it above storage/posix to keep editor backups, OS
 * junk (.DS_Store, Thumbs.db) or temporary files off a shared volume.
 */
const options = {
  'veto-files': {
    type: 'str',
    default: '',
    description: 'Comma-separated name patterns with * and ? wildcards, e.g. "*.tmp,~$*,.DS_Store". Empty vetoes nothing.',
  },
  hide: {
    type: 'bool',
    default: 'on',
    description: 'Hide existing vetoed names too: lookup answers ENOENT and readdir leaves them out.',
  },
  'case-sensitive': {
    type: 'bool',
    default: 'on',
    description: 'Match patterns case-sensitively (turn off for volumes shared with Windows clients).',
  },
} as const;

interface Priv {
  /** Compiled from the options; replaced on reconfigure. */
  pattern: RegExp | undefined;
  refused: number;
  hidden: number;
}

type Self = Xlator<typeof options, Priv>;

/** `*.tmp,~$*` -> /^(?:[^/]*\.tmp|~\$[^/]*)$/ ; undefined when there is nothing to veto. */
export function compilePatterns(list: string, caseSensitive: boolean): RegExp | undefined {
  const globs = list.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (globs.length === 0) return undefined;
  const body = globs.map((g) => g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'));
  return new RegExp(`^(?:${body.join('|')})$`, caseSensitive ? '' : 'i');
}

const nameOf = (loc: Loc): string => loc.name ?? loc.path.slice(loc.path.lastIndexOf('/') + 1);

function vetoed(self: Self, name: string): boolean {
  return name !== '.' && name !== '..' && (self.priv.pattern?.test(name) ?? false);
}

/** Refuse creating a vetoed name. EACCES, as Samba answers for vetoed files. */
function refuse(self: Self, loc: Loc): void {
  if (!vetoed(self, nameOf(loc))) return;
  self.priv.refused++;
  throw new FopError(E.EACCES, `${nameOf(loc)} matches veto-files`);
}

/**
 * Filter a directory listing. An empty batch tells the caller the directory has ended, so when
 * every entry of a batch is vetoed we read on from the last offset instead of returning nothing.
 */
async function filterDir<A extends { offset: bigint }>(
  self: Self,
  read: (args: A) => Promise<{ entries: DirEntry[] }>,
  args: A,
) {
  for (;;) {
    const res = await read(args);
    if (!self.options.hide || !self.priv.pattern) return res;
    const entries = res.entries.filter((e) => !vetoed(self, e.name));
    self.priv.hidden += res.entries.length - entries.length;
    const last = res.entries[res.entries.length - 1];
    if (entries.length > 0 || !last) return { ...res, entries };
    args = { ...args, offset: last.offset };
  }
}

export default defineXlator({
  apiVersion: 1,
  type: 'features/veto',
  description: 'Hides and refuses file names matching patterns.',
  options,
  children: { min: 1, max: 1 },

  init(self): Priv {
    return { pattern: compilePatterns(self.options['veto-files'], self.options['case-sensitive']), refused: 0, hidden: 0 };
  },

  // Called with already validated values; throwing here would keep the old ones.
  reconfigure(self, opts) {
    self.priv.pattern = compilePatterns(opts['veto-files'], opts['case-sensitive']);
  },

  // Only the fops below are ours; the other fifty pass to the child unchanged.
  fops: {
    async lookup(self, frame, args) {
      if (self.options.hide && vetoed(self, nameOf(args.loc))) {
        self.priv.hidden++;
        throw new FopError(E.ENOENT);
      }
      return self.firstChild!.fops.lookup(frame, args);
    },
    async create(self, frame, args) {
      refuse(self, args.loc);
      return self.firstChild!.fops.create(frame, args);
    },
    async mknod(self, frame, args) {
      refuse(self, args.loc);
      return self.firstChild!.fops.mknod(frame, args);
    },
    async mkdir(self, frame, args) {
      refuse(self, args.loc);
      return self.firstChild!.fops.mkdir(frame, args);
    },
    async symlink(self, frame, args) {
      refuse(self, args.loc);
      return self.firstChild!.fops.symlink(frame, args);
    },
    async link(self, frame, args) {
      refuse(self, args.newloc);
      return self.firstChild!.fops.link(frame, args);
    },
    async rename(self, frame, args) {
      refuse(self, args.newloc);
      return self.firstChild!.fops.rename(frame, args);
    },
    readdir: (self, frame, args) => filterDir(self, (a) => self.firstChild!.fops.readdir(frame, a), args),
    readdirp: (self, frame, args) => filterDir(self, (a) => self.firstChild!.fops.readdirp(frame, a), args),
  },

  dump: (self) => ({ 'veto-files': self.options['veto-files'], refused: self.priv.refused, hidden: self.priv.hidden }),
});
