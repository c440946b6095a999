/*
 * File operations Node lacks: mknod, utimensat/futimens with nanoseconds, fallocate, lseek
 * (SEEK_DATA/SEEK_HOLE, and directory cookies), openat2 (RESOLVE_BENEATH and friends) and statvfs.
 */
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* mknod(path, mode, dev) */
static int parse_mknod(napi_env env, napi_value *argv, size_t argc, req *r) {
  if (need_args(env, argc, 2, "mknod") || arg_string(env, argv[0], &r->str[0], "path") ||
      arg_int64(env, argv[1], &r->num[0], "mode"))
    return -1;
  return argc > 2 ? arg_int64(env, argv[2], &r->num[1], "dev") : 0;
}
static void exec_mknod(req *r) {
  r->syscall = "mknod";
  if (mknod(r->str[0], (mode_t)r->num[0], (dev_t)r->num[1]) < 0) r->err = errno;
}

/* mkdirat(dirfd, name, mode): a directory inside a pinned directory, without a /proc path */
static int parse_mkdirat(napi_env env, napi_value *argv, size_t argc, req *r) {
  return need_args(env, argc, 3, "mkdirat") || arg_int64(env, argv[0], &r->num[0], "dirfd") ||
                 arg_string(env, argv[1], &r->str[0], "name") || arg_int64(env, argv[2], &r->num[1], "mode")
             ? -1
             : 0;
}
static void exec_mkdirat(req *r) {
  r->syscall = "mkdirat";
  if (mkdirat((int)r->num[0], r->str[0], (mode_t)r->num[1]) < 0) r->err = errno;
}

/* utimensat(path, atime, mtime, nofollow) */
static int parse_utimensat(napi_env env, napi_value *argv, size_t argc, req *r) {
  int nofollow = 0;
  if (need_args(env, argc, 3, "utimensat") || arg_string(env, argv[0], &r->str[0], "path") ||
      arg_timespec(env, argv[1], &r->ts[0], "atime") || arg_timespec(env, argv[2], &r->ts[1], "mtime"))
    return -1;
  if (argc > 3) arg_bool(env, argv[3], &nofollow);
  r->num[0] = nofollow ? AT_SYMLINK_NOFOLLOW : 0;
  return 0;
}
static void exec_utimensat(req *r) {
  r->syscall = "utimensat";
  if (utimensat(AT_FDCWD, r->str[0], r->ts, (int)r->num[0]) < 0) r->err = errno;
}

/* futimens(fd, atime, mtime) */
static int parse_futimens(napi_env env, napi_value *argv, size_t argc, req *r) {
  if (need_args(env, argc, 3, "futimens") || arg_int64(env, argv[0], &r->num[0], "fd") ||
      arg_timespec(env, argv[1], &r->ts[0], "atime") || arg_timespec(env, argv[2], &r->ts[1], "mtime"))
    return -1;
  return 0;
}
static void exec_futimens(req *r) {
  r->syscall = "futimens";
  if (futimens((int)r->num[0], r->ts) < 0) r->err = errno;
}

/* fallocate(fd, mode, offset, len) */
static int parse_fallocate(napi_env env, napi_value *argv, size_t argc, req *r) {
  if (need_args(env, argc, 4, "fallocate")) return -1;
  for (int i = 0; i < 4; i++)
    if (arg_int64(env, argv[i], &r->num[i], (const char *[]){"fd", "mode", "offset", "len"}[i])) return -1;
  return 0;
}
static void exec_fallocate(req *r) {
  r->syscall = "fallocate";
  if (fallocate((int)r->num[0], (int)r->num[1], (off_t)r->num[2], (off_t)r->num[3]) < 0) r->err = errno;
}

/* lseek(fd, offset, whence) -> new offset */
static int parse_lseek(napi_env env, napi_value *argv, size_t argc, req *r) {
  if (need_args(env, argc, 3, "lseek")) return -1;
  for (int i = 0; i < 3; i++)
    if (arg_int64(env, argv[i], &r->num[i], (const char *[]){"fd", "offset", "whence"}[i])) return -1;
  return 0;
}
static void exec_lseek(req *r) {
  r->syscall = "lseek";
  off_t o = lseek((int)r->num[0], (off_t)r->num[1], (int)r->num[2]);
  if (o < 0) r->err = errno;
  else r->ret = o;
}

/* spliceFile(fd, offset, len, pipeW) -> bytes moved from the file at offset into the pipe (0 at EOF). */
static int parse_splice_file(napi_env env, napi_value *argv, size_t argc, req *r) {
  if (need_args(env, argc, 4, "spliceFile")) return -1;
  for (int i = 0; i < 4; i++)
    if (arg_int64(env, argv[i], &r->num[i], (const char *[]){"fd", "offset", "len", "pipeW"}[i])) return -1;
  return 0;
}
static void exec_splice_file(req *r) {
  r->syscall = "splice";
  loff_t off = (loff_t)r->num[1];
  size_t done = 0, len = (size_t)r->num[2];
  while (done < len) {
    ssize_t n = splice((int)r->num[0], &off, (int)r->num[3], NULL, len - done, SPLICE_F_MOVE);
    if (n < 0) {
      if (errno == EINTR) continue;
      /* EAGAIN: the (non-blocking) pipe is full. After some data, any failure returns what was
       * moved: the caller sees a short count and reads the usual way. */
      if (done == 0) r->err = errno;
      break;
    }
    if (n == 0) break;
    done += (size_t)n;
  }
  r->ret = (int64_t)done;
}

/* dup(fd) -> a new fd (close-on-exec) for the same open file: a socket handed to a new owner. */
static int parse_dup(napi_env env, napi_value *argv, size_t argc, req *r) {
  return need_args(env, argc, 1, "dup") || arg_int64(env, argv[0], &r->num[0], "fd");
}
static void exec_dup(req *r) {
  r->syscall = "fcntl";
  int fd = fcntl((int)r->num[0], F_DUPFD_CLOEXEC, 0);
  if (fd < 0) r->err = errno;
  else r->ret = fd;
}

/* openat2(dirfd, path, flags, mode, resolve) -> fd */
static int parse_openat2(napi_env env, napi_value *argv, size_t argc, req *r) {
  if (need_args(env, argc, 3, "openat2") || arg_int64(env, argv[0], &r->num[0], "dirfd") ||
      arg_string(env, argv[1], &r->str[0], "path") || arg_int64(env, argv[2], &r->num[1], "flags"))
    return -1;
  if (argc > 3 && arg_int64(env, argv[3], &r->num[2], "mode")) return -1;
  if (argc > 4 && arg_int64(env, argv[4], &r->num[3], "resolve")) return -1;
  return 0;
}
static void exec_openat2(req *r) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)r->num[1] | O_CLOEXEC;
  /* the kernel refuses a mode without O_CREAT/O_TMPFILE */
  how.mode = (r->num[1] & (O_CREAT | __O_TMPFILE)) ? (uint64_t)r->num[2] : 0;
  how.resolve = (uint64_t)r->num[3];
  r->syscall = "openat2";
  long fd = syscall(SYS_openat2, (int)r->num[0], r->str[0], &how, sizeof how);
  if (fd < 0) r->err = errno;
  else r->ret = fd;
}

/* statvfs(path) -> {bsize, frsize, blocks, ...} */
static int parse_path1(napi_env env, napi_value *argv, size_t argc, req *r) {
  return need_args(env, argc, 1, "statvfs") || arg_string(env, argv[0], &r->str[0], "path") ? -1 : 0;
}
static void exec_statvfs(req *r) {
  r->syscall = "statvfs";
  r->out = malloc(sizeof(struct statvfs));
  if (statvfs(r->str[0], r->out) < 0) r->err = errno;
}
static napi_value res_statvfs(napi_env env, req *r) {
  struct statvfs *s = r->out;
  napi_value o;
  napi_create_object(env, &o);
  set_prop_int64(env, o, "bsize", (int64_t)s->f_bsize);
  set_prop_int64(env, o, "frsize", (int64_t)s->f_frsize);
  set_prop_int64(env, o, "blocks", (int64_t)s->f_blocks);
  set_prop_int64(env, o, "bfree", (int64_t)s->f_bfree);
  set_prop_int64(env, o, "bavail", (int64_t)s->f_bavail);
  set_prop_int64(env, o, "files", (int64_t)s->f_files);
  set_prop_int64(env, o, "ffree", (int64_t)s->f_ffree);
  set_prop_int64(env, o, "favail", (int64_t)s->f_favail);
  /* An opaque 64-bit id (ext4 sets its top bit often): exact and unsigned, as GlusterFS sends it. */
  napi_value fsid;
  napi_create_bigint_uint64(env, (uint64_t)s->f_fsid, &fsid);
  napi_set_named_property(env, o, "fsid", fsid);
  set_prop_int64(env, o, "flag", (int64_t)s->f_flag);
  set_prop_int64(env, o, "namemax", (int64_t)s->f_namemax);
  return o;
}

const op file_ops[] = {
  {"mknod", parse_mknod, exec_mknod, NULL},
  {"mkdirat", parse_mkdirat, exec_mkdirat, NULL},
  {"utimensat", parse_utimensat, exec_utimensat, NULL},
  {"futimens", parse_futimens, exec_futimens, NULL},
  {"fallocate", parse_fallocate, exec_fallocate, NULL},
  {"lseek", parse_lseek, exec_lseek, res_int},
  {"dup", parse_dup, exec_dup, res_int},
  {"spliceFile", parse_splice_file, exec_splice_file, res_int},
  {"openat2", parse_openat2, exec_openat2, res_int},
  {"statvfs", parse_path1, exec_statvfs, res_statvfs},
  {NULL, NULL, NULL, NULL},
};
