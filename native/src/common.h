/*
 * gfs_native: the few Linux syscalls Node's fs module lacks (xattrs, mknod, utimensat with
 * nanoseconds, fallocate, SEEK_DATA/SEEK_HOLE, getdents64 cookies, openat2, statvfs, mount).
 *
 * Every operation is declared once as an `op` (parse arguments on the JS thread, run the syscall,
 * build the result on the JS thread). addon.c exports each op twice: `name` runs the syscall on
 * the libuv thread pool and returns a Promise; `nameSync` runs it inline and returns or throws.
 * Failures become Node-style errors: message "ENOENT: no such file or directory, lgetxattr
 * '/p'", with .code, .errno (negative, as Node's fs errors), .syscall and .path.
 */
#ifndef GFS_NATIVE_COMMON_H
#define GFS_NATIVE_COMMON_H

#include <node_api.h>
#include <limits.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#define MAX_STR_ARGS 5

typedef enum { RES_UNDEF, RES_INT, RES_BUFFER, RES_NAMES, RES_OBJECT } res_kind;

typedef struct req {
  /* inputs */
  char *str[MAX_STR_ARGS]; /* strings (paths, names, mount data) */
  int64_t num[6];          /* integers: fds, flags, offsets, modes */
  struct timespec ts[2];   /* utimensat/futimens times */
  void *in;                /* copied input bytes (setxattr value) */
  size_t in_len;
  /* outputs */
  int64_t ret;
  void *out; /* malloc'd output bytes */
  size_t out_len;
  int err;   /* errno on failure, 0 on success */
  const char *syscall;
  const struct op *op;
  napi_async_work work;
  napi_deferred deferred;
} req;

typedef struct op {
  const char *name;
  /* read JS arguments into r; return 0, or throw a TypeError and return -1 */
  int (*parse)(napi_env env, napi_value *argv, size_t argc, req *r);
  /* run the syscall (may run on a pool thread: no napi calls here) */
  void (*exec)(req *r);
  /* build the JS result of a successful call; NULL means undefined */
  napi_value (*result)(napi_env env, req *r);
} op;

/* args.c */
int arg_string(napi_env env, napi_value v, char **out, const char *what);
int arg_int64(napi_env env, napi_value v, int64_t *out, const char *what);
int arg_bool(napi_env env, napi_value v, int *out);
int arg_bytes(napi_env env, napi_value v, void **out, size_t *len, const char *what);
int arg_timespec(napi_env env, napi_value v, struct timespec *out, const char *what);
int need_args(napi_env env, size_t argc, size_t n, const char *fn);
/* For the inline functions that are not ops (poll.c, stat.c): fill argv with n arguments or throw. */
int inline_args(napi_env env, napi_callback_info info, napi_value *argv, size_t n, const char *fn);
/* An int32 result (counts, or -errno for the inline calls that return failures as values). */
napi_value int32_value(napi_env env, int32_t v);
/* A non-blocking call's result as a value: `n`, or -errno when n < 0 (call it right after the syscall). */
napi_value nb_result(napi_env env, int64_t n);
/* Export inline functions (not ops) by name; the table ends with a NULL name. */
typedef struct {
  const char *name;
  napi_callback fn;
} inline_fn;
void export_inline(napi_env env, napi_value exports, const inline_fn *fns);
/* A Buffer of at least `min` bytes (not copied), or a TypeError. */
int arg_buffer(napi_env env, napi_value v, void **data, size_t *len, size_t min, const char *what);
/* A Float64Array of at least `min` elements (not copied), or a TypeError. */
int arg_float64s(napi_env env, napi_value v, double **data, size_t min, const char *what);
/*
 * A buffer for read_name: a name too long by up to a 4-byte UTF-8 character still copies to
 * more than NAME_MAX bytes (the copy stops only before a character that does not fit whole).
 */
#define NAME_BUF (NAME_MAX + 5)
/* One path component (1 to NAME_MAX bytes, no '/' or NUL) into `name`: 0, or -EINVAL without throwing. */
int read_name(napi_env env, napi_value v, char name[NAME_BUF]);
napi_value make_errno_error(napi_env env, int err, const char *syscall, const char *path);
napi_value res_int(napi_env env, req *r);
napi_value res_buffer(napi_env env, req *r);
napi_value res_names(napi_env env, req *r);
void set_prop_int64(napi_env env, napi_value obj, const char *key, int64_t v);
void set_prop_bigint(napi_env env, napi_value obj, const char *key, int64_t v);

/* op tables */
extern const op xattr_ops[];
extern const op file_ops[];
extern const op sys_ops[];

/* poll.c: readNb, preadNowait, writevNb and tuneMalloc (not ops: they run inline and never throw errno errors) */
void export_poll(napi_env env, napi_value exports);
void export_waitloop(napi_env env, napi_value exports);
void export_splice(napi_env env, napi_value exports);
/* stat.c: lstatInto and fstatInto (plain-number stats into a Float64Array) */
void export_stat(napi_env env, napi_value exports);

#endif
