/**
 * The volume every target serves: a storage/posix brick with GlusterFS's brick-side permission
 * checks and io-stats on top. `BRICK` is replaced with the target's brick directory.
 */
export const CONFORMANCE_VOLFILE = `
volume conf-posix
    type storage/posix
    option directory BRICK
end-volume

volume conf-access
    type features/access-control
    subvolumes conf-posix
end-volume

volume conf
    type debug/io-stats
    subvolumes conf-access
end-volume
`;

export function volfileFor(brick: string): string {
  return CONFORMANCE_VOLFILE.replace('BRICK', brick);
}
