/**
 * The options GlusterFS's performance/io-cache declares (io-cache.c `options[]`), with the same
 * keys, aliases, types, bounds and defaults, so glusterd-generated client volfiles validate.
 *
 * Two differences, both because our option parser is stricter than GlusterFS's table:
 * - `priority` has no declared default: GlusterFS's default is the empty string, which means
 *   "no list" (every file priority 1); an absent option means the same here.
 * - `cache-size` has no declared maximum (GlusterFS: INFINITY); init and reconfigure refuse a
 *   size above the machine's memory, as GlusterFS's check_cache_size_ok does.
 */
export const options = {
  'io-cache': {
    type: 'bool',
    default: 'off',
    description: 'glusterd uses this key to put io-cache in a client graph; the translator itself ignores it.',
  },
  priority: {
    type: 'priority-list',
    description:
      'pattern:priority pairs (fnmatch on the path, last match wins). When a list is given, files ' +
      'matching no pattern get priority 0 and are not cached; pruning evicts the lowest priority first.',
  },
  'cache-timeout': {
    type: 'int',
    min: 0,
    max: 60,
    default: '1',
    aliases: ['force-revalidate-timeout'],
    description: 'Seconds cached data is served before it is revalidated with an fstat (mtime and size).',
  },
  'cache-size': {
    type: 'size',
    min: '4MB',
    default: '32MB',
    description: 'Size of the read cache; over it, pages are pruned.',
  },
  'min-file-size': {
    type: 'size',
    default: '0',
    description: 'Files smaller than this (at open) are not cached.',
  },
  'max-file-size': {
    type: 'size',
    default: '0',
    description: 'Files larger than this (at open) are not cached; 0 means no limit.',
  },
  'pass-through': {
    type: 'bool',
    default: 'false',
    description: 'Forward every fop untouched (the cache is emptied when this turns on).',
  },
} as const;

export type IoCacheOptions = typeof options;
