/** GlusterFS's access-control (posix-acl) option table. */
export const options = {
  'super-uid': {
    type: 'int',
    min: 0,
    default: '0',
    description: 'A uid treated as the super user besides 0 (GlusterFS: for NFS-Ganesha and similar).',
  },
} as const;
