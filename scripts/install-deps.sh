#!/usr/bin/env bash
# System packages gfs needs: FUSE (the kernel module's device and umount helpers), attr tools,
# and Debian's GlusterFS 10.3, the reference peer that interop tests run against.
set -euo pipefail
need=()
command -v glusterfsd >/dev/null 2>&1 || need+=(glusterfs-server)
command -v glusterfs >/dev/null 2>&1 || need+=(glusterfs-client)
command -v fusermount3 >/dev/null 2>&1 || need+=(fuse3)
command -v getfattr >/dev/null 2>&1 || need+=(attr)
command -v tshark >/dev/null 2>&1 || need+=(tshark)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: need root to install: ${need[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # tshark asks whether non-root users may capture; the preseed keeps it non-interactive.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
# /dev/fuse must exist for mounts; load the module where it is not built in.
[ -e /dev/fuse ] || modprobe fuse 2>/dev/null || true
if [ ! -e /dev/fuse ]; then
  echo "install-deps: /dev/fuse is missing: load the fuse kernel module (modprobe fuse)" >&2
  exit 1
fi
# gfs-mount splices large writes' data to the bricks through 2 MiB pipes (mount option
# splice-writes). Without CAP_SYS_RESOURCE no pipe may exceed fs.pipe-max-size (1 MiB by
# default), and the mount then copies the data instead: raise the limit, now and at boot.
if [ "$(id -u)" -eq 0 ] && [ "$(cat /proc/sys/fs/pipe-max-size)" -lt 4194304 ]; then
  if sysctl -q -w fs.pipe-max-size=4194304 2>/dev/null; then
    echo 'fs.pipe-max-size = 4194304' > /etc/sysctl.d/60-gfs.conf
  else
    echo "install-deps: cannot raise fs.pipe-max-size: gfs-mount will copy write data instead of splicing it" >&2
  fi
fi
