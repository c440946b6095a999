#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/*
 * lstatInto(path, out) / fstatInto(fd, out): statx into a Float64Array of STAT_FIELDS numbers,
 * returning 0 or -errno. Node's bigint lstat builds an object of 18 BigInts, and the
 * nanosecond times then need BigInt division; a brick stats every entry of every listing and
 * every lookup, so this takes plain numbers (all fit: sizes < 2^53, dev_t as makedev < 2^44).
 * Layout: mode nlink uid gid size blksize blocks atime atime_ns mtime mtime_ns ctime ctime_ns
 * btime btime_ns dev rdev ino (ino may round above 2^53; callers use the gfid's ino).
 */
#define STAT_FIELDS 18

static int stat_out(napi_env env, napi_value v, double **out) {
  napi_typedarray_type type;
  size_t len;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, &len, &data, NULL, NULL) != napi_ok || type != napi_float64_array || len < STAT_FIELDS) {
    napi_throw_type_error(env, NULL, "expected a Float64Array of at least 18 elements");
    return -1;
  }
  *out = data;
  return 0;
}

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
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (need_args(env, argc, 2, by_fd ? "fstatInto" : "lstatInto")) return NULL;
  double *o;
  if (stat_out(env, argv[1], &o)) return NULL;
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
  napi_value out;
  if (rc < 0) {
    napi_create_int32(env, -errno, &out);
    return out;
  }
  fill_stat(o, &s);
  napi_create_int32(env, 0, &out);
  return out;
}
static napi_value lstat_into(napi_env env, napi_callback_info info) { return stat_into(env, info, 0); }
static napi_value fstat_into(napi_env env, napi_callback_info info) { return stat_into(env, info, 1); }

void export_stat(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "lstatInto", NAPI_AUTO_LENGTH, lstat_into, NULL, &fn);
  napi_set_named_property(env, exports, "lstatInto", fn);
  napi_create_function(env, "fstatInto", NAPI_AUTO_LENGTH, fstat_into, NULL, &fn);
  napi_set_named_property(env, exports, "fstatInto", fn);
}
