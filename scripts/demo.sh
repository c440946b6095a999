#!/usr/bin/env bash
# The newcomer's first command: install what gfs needs, build it, mount the demo volume
# (volfiles/demo.vol: one storage/posix brick under debug/io-stats) and show a file written and
# read back through the mount. Leaves the volume mounted; `umount /mnt/gfs-demo` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
MNT=${GFS_DEMO_MOUNT:-/mnt/gfs-demo}
BRICK=${GFS_DEMO_BRICK:-/srv/gfs/demo}

bash scripts/install-deps.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent >/dev/null

mkdir -p "$BRICK" "$MNT"
if mountpoint -q "$MNT"; then umount "$MNT" || umount -l "$MNT"; fi
node dist/scripts/gfs-mount.js -o "xlator-option=demo-posix.directory=$BRICK" volfiles/demo.vol "$MNT"

echo "mounted volfiles/demo.vol on $MNT (brick: $BRICK)"
echo "hello from gfs, $(date -u +%FT%TZ)" > "$MNT/hello.txt"
echo "--- cat $MNT/hello.txt"
cat "$MNT/hello.txt"
echo "--- ls -l $MNT"
ls -l "$MNT"
echo "--- the same file on the brick, with its GlusterFS gfid:"
getfattr -n trusted.gfid -e hex "$BRICK/hello.txt" 2>/dev/null | sed -n 2p
echo "--- df -h $MNT"
df -h "$MNT"
echo "unmount with: umount $MNT"
