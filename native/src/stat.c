#include "common.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

/*
 * lstatInto(path, out) / fstatInto(fd, out): statx into a Float64Array of STAT_FIELDS numbers,
 * returning 0 or -errno. Node's bigint lstat builds an object of 18 BigInts, and the
 * nanosecond times then need BigInt division; a brick stats every entry of every listing and
 * every lookup, so this takes plain numbers (all fit: sizes < 2^53, dev_t as makedev < 2^44).
 * Layout: mode nlink uid gid size blksize blocks atime atime_ns mtime mtime_ns ctime ctime_ns
 * btime btime_ns dev rdev ino (ino may round above 2^53; callers use the gfid's ino).
 */
#define STAT_FIELDS 18

static void fill_stat(double *o, const struct statx *s) {
  o[0] = s->stx_mode; o[1] = s->stx_nlink; o[2] = s->stx_uid; o[3] = s->stx_gid;
  o[4] = (double)s->stx_size; o[5] = s->stx_blksize; o[6] = (double)s->stx_blocks;
  o[7] = (double)s->stx_atime.tv_sec; o[8] = s->stx_atime.tv_nsec;
  o[9] = (double)s->stx_mtime.tv_sec; o[10] = s->stx_mtime.tv_nsec;
  o[11] = (double)s->stx_ctime.tv_sec; o[12] = s->stx_ctime.tv_nsec;
  if (s->stx_mask & STATX_BTIME) { o[13] = (double)s->stx_btime.tv_sec; o[14] = s->stx_btime.tv_nsec; }
  else { o[13] = 0; o[14] = 0; }
  o[15] = (double)makedev(s->stx_dev_major, s->stx_dev_minor);
  o[16] = (double)makedev(s->stx_rdev_major, s->stx_rdev_minor);
  o[17] = (double)s->stx_ino;
}

static napi_value stat_into(napi_env env, napi_callback_info info, int by_fd) {
  napi_value argv[2];
  if (inline_args(env, info, argv, 2, by_fd ? "fstatInto" : "lstatInto")) return NULL;
  double *o;
  if (arg_float64s(env, argv[1], &o, STAT_FIELDS, "out")) return NULL;
  struct statx s;
  int rc;
  if (by_fd) {
    int64_t fd;
    if (arg_int64(env, argv[0], &fd, "fd")) return NULL;
    rc = statx((int)fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME, &s);
  } else {
    char *path = NULL;
    if (arg_string(env, argv[0], &path, "path")) return NULL;
    rc = statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &s);
    free(path);
  }
  if (rc < 0) return int32_value(env, -errno);
  fill_stat(o, &s);
  return int32_value(env, 0);
}
static napi_value lstat_into(napi_env env, napi_callback_info info) { return stat_into(env, info, 0); }
static napi_value fstat_into(napi_env env, napi_callback_info info) { return stat_into(env, info, 1); }


/*
 * statEntries(dirfd, names, stats, gfids) -> Int32Array: for each name in the directory pinned
 * by `dirfd`, statx (not following symlinks) into stats[i*STAT_FIELDS..] and its trusted.gfid
 * into gfids[i*16..]. Result per entry: 1 = stat and gfid, 0 = stat without a 16-byte gfid,
 * -errno = the stat failed (the entry vanished). One call per READDIRPLUS batch instead of two
 * N-API calls and two /proc/self/fd path walks per entry: statx is made relative to the fd, and
 * the xattr with getxattrat(2) (Linux 6.13) where the kernel has it, else through the /proc path.
 */
#if defined(__x86_64__) || defined(__aarch64__)
#define SYS_GETXATTRAT 464
#endif
struct gfs_xattr_args {
  uint64_t value;
  uint32_t size;
  uint32_t flags;
};
static int have_getxattrat = 1;

/* The xattr `key` of `name` in the directory pinned by `dirfd` (not following a symlink). */
static ssize_t entry_xattr(int dirfd, const char *name, const char *key, void *out, size_t size) {
#ifdef SYS_GETXATTRAT
  if (have_getxattrat) {
    struct gfs_xattr_args args = {(uint64_t)(uintptr_t)out, (uint32_t)size, 0};
    long n = syscall(SYS_GETXATTRAT, dirfd, name, AT_SYMLINK_NOFOLLOW, key, &args, sizeof args);
    /* ENOSYS: a kernel before 6.13. EPERM: a seccomp filter that does not know the call (Docker's
     * default answers unknown calls so); a real permission failure is then answered the old way. */
    if (n >= 0 || (errno != ENOSYS && errno != EPERM)) return n;
    have_getxattrat = 0;
  }
#endif
  char path[64 + 256];
  snprintf(path, sizeof path, "/proc/self/fd/%d/%s", dirfd, name);
  return lgetxattr(path, key, out, size);
}

static ssize_t entry_gfid(int dirfd, const char *name, unsigned char *out) {
  return entry_xattr(dirfd, name, "trusted.gfid", out, 16);
}

/*
 * One entry of statEntries: statx of the name `v` relative to `dirfd` into `stats` and its
 * trusted.gfid into `gfid`: 1 (both), 0 (no 16-byte gfid), or -errno.
 */
static int32_t stat_named(napi_env env, int dirfd, napi_value v, double *stats, unsigned char *gfid) {
  char name[NAME_BUF];
  int32_t r = read_name(env, v, name);
  if (r < 0) return r;
  struct statx s;
  if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &s) < 0) return -errno;
  fill_stat(stats, &s);
  return entry_gfid(dirfd, name, gfid) == 16 ? 1 : 0;
}

static napi_value stat_entries(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (inline_args(env, info, argv, 4, "statEntries")) return NULL;
  int64_t dirfd;
  if (arg_int64(env, argv[0], &dirfd, "dirfd")) return NULL;
  uint32_t count;
  if (napi_get_array_length(env, argv[1], &count) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "names must be an array");
    return NULL;
  }
  double *stats;
  void *gdata;
  size_t glen;
  if (arg_float64s(env, argv[2], &stats, (size_t)count * STAT_FIELDS, "stats") ||
      arg_buffer(env, argv[3], &gdata, &glen, (size_t)count * 16, "gfids"))
    return NULL;
  napi_value result_ab, result;
  int32_t *res;
  napi_create_arraybuffer(env, count * sizeof(int32_t), (void **)&res, &result_ab);
  napi_create_typedarray(env, napi_int32_array, count, result_ab, 0, &result);
  for (uint32_t i = 0; i < count; i++) {
    napi_value v;
    napi_get_element(env, argv[1], i, &v);
    res[i] = stat_named(env, (int)dirfd, v, stats + (size_t)i * STAT_FIELDS, (unsigned char *)gdata + (size_t)i * 16);
  }
  return result;
}

/*
 * statEntry(dirfd, name, stats, gfid) -> 1, 0 or -errno as one statEntries entry, for the one
 * name of a lookup: no result array (an ArrayBuffer, a typed array and a names array per call).
 */
static napi_value stat_entry(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (inline_args(env, info, argv, 4, "statEntry")) return NULL;
  int64_t dirfd;
  double *stats;
  void *gdata;
  size_t glen;
  if (arg_int64(env, argv[0], &dirfd, "dirfd") || arg_float64s(env, argv[2], &stats, STAT_FIELDS, "stats") ||
      arg_buffer(env, argv[3], &gdata, &glen, 16, "gfid"))
    return NULL;
  return int32_value(env, stat_named(env, (int)dirfd, argv[1], stats, (unsigned char *)gdata));
}

/*
 * getxattrAt(dirfd, name, key, out) -> bytes of the value written into `out`, or -errno (ENODATA:
 * none; ERANGE: larger than `out`). Relative to the pinned directory, as statEntries, for the xattrs a
 * lookup asks for (DHT asks every entry for its layout and link-to), and trusted.gfid itself.
 */
static napi_value getxattr_at(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (inline_args(env, info, argv, 4, "getxattrAt")) return NULL;
  int64_t dirfd;
  void *out;
  size_t olen;
  char *key = NULL;
  if (arg_int64(env, argv[0], &dirfd, "dirfd") || arg_buffer(env, argv[3], &out, &olen, 1, "out") || arg_string(env, argv[2], &key, "key")) return NULL;
  char name[NAME_BUF];
  int32_t r = read_name(env, argv[1], name);
  if (r == 0) {
    ssize_t n = entry_xattr((int)dirfd, name, key, out, olen);
    r = n < 0 ? -errno : (int32_t)n;
  }
  free(key);
  return int32_value(env, r);
}

/*
 * getdentsInto(dirfd, offset, buf) -> bytes of linux_dirent64 records in buf, or -errno. A
 * bigint offset seeks first (a d_off cookie handed out earlier); null reads on from the fd's
 * position. Inline and into the caller's buffer: building a JS object per entry through N-API
 * cost more than the syscall, and a brick lists every directory in page-sized pieces.
 */
static napi_value getdents_into(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (inline_args(env, info, argv, 3, "getdentsInto")) return NULL;
  int64_t dirfd;
  void *buf;
  size_t len;
  if (arg_int64(env, argv[0], &dirfd, "dirfd") || arg_buffer(env, argv[2], &buf, &len, 1024, "buf")) return NULL;
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  int32_t r = 0;
  if (t == napi_bigint) {
    int64_t off;
    bool lossless;
    napi_get_value_bigint_int64(env, argv[1], &off, &lossless);
    /* A cookie is an int64 d_off: anything else (a forged wire offset of 2^63 or more) is invalid. */
    if (!lossless) r = -EINVAL;
    else if (lseek((int)dirfd, (off_t)off, SEEK_SET) < 0) r = -errno;
  } else if (t != napi_null && t != napi_undefined) {
    napi_throw_type_error(env, NULL, "getdentsInto: offset must be a bigint or null");
    return NULL;
  }
  if (r == 0) {
    long n = syscall(SYS_getdents64, (int)dirfd, buf, len > INT32_MAX ? INT32_MAX : len);
    r = n < 0 ? -errno : (int32_t)n;
  }
  return int32_value(env, r);
}

void export_stat(napi_env env, napi_value exports) {
  /* Tests run the /proc fallback of kernels before 6.13 with this set. */
  if (getenv("GFS_NO_GETXATTRAT")) have_getxattrat = 0;
  static const inline_fn fns[] = {
    {"lstatInto", lstat_into}, {"fstatInto", fstat_into}, {"statEntries", stat_entries}, {"statEntry", stat_entry},
    {"getxattrAt", getxattr_at}, {"getdentsInto", getdents_into}, {NULL, NULL},
  };
  export_inline(env, exports, fns);
}
