/** Volfiles for the fixture run: three standalone bricks and distribute clients. */

export const SUBVOLS = ['fix-client-0', 'fix-client-1', 'fix-client-2'] as const;

/**
 * The order the client volfile lists the subvolumes in. Deliberately not sorted:
 * GlusterFS sorts a new directory's layout by subvolume name, not by volfile order.
 */
export const VOLFILE_ORDER = ['fix-client-2', 'fix-client-0', 'fix-client-1'] as const;

export function brickVolfile(i: number, dir: string, port: number): string {
  return `volume fix-posix-${i}
    type storage/posix
    option directory ${dir}
end-volume
volume fix-locks-${i}
    type features/locks
    subvolumes fix-posix-${i}
end-volume
volume fix-server-${i}
    type protocol/server
    option transport-type tcp
    option transport.socket.listen-port ${port}
    option auth.addr.fix-locks-${i}.allow *
    subvolumes fix-locks-${i}
end-volume
`;
}

/** A client volfile; `dhtOptions` are extra `option` lines for cluster/distribute. */
export function clientVolfile(ports: readonly number[], dhtOptions: Record<string, string>): string {
  let out = '';
  SUBVOLS.forEach((name, i) => {
    out += `volume ${name}
    type protocol/client
    option transport-type tcp
    option remote-host 127.0.0.1
    option remote-port ${ports[i]}
    option remote-subvolume fix-locks-${i}
end-volume
`;
  });
  out += 'volume fix-dht\n    type cluster/distribute\n';
  for (const [k, v] of Object.entries(dhtOptions)) out += `    option ${k} ${v}\n`;
  out += `    subvolumes ${VOLFILE_ORDER.join(' ')}\nend-volume\n`;
  return out;
}
