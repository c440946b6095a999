/*
 * Extended attributes on paths (l*: never follow a trailing symlink) and on fds (f*).
 * All run on the thread pool when called without the Sync suffix.
 */
#include "common.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/xattr.h>

/* arguments: (path|fd, name[, value, flags]) */
static int parse_target(napi_env env, napi_value v, req *r, int by_fd) {
  if (by_fd) return arg_int64(env, v, &r->num[0], "fd");
  return arg_string(env, v, &r->str[0], "path");
}

#define GET_PARSE(fn, by_fd)                                                    \
  static int fn(napi_env env, napi_value *argv, size_t argc, req *r) {          \
    if (need_args(env, argc, 2, #fn) || parse_target(env, argv[0], r, by_fd)) \
      return -1;                                                                \
    return arg_string(env, argv[1], &r->str[1], "name");                        \
  }
GET_PARSE(parse_get_l, 0)
GET_PARSE(parse_get_f, 1)

/* First a read into a small buffer, which holds nearly every value (a gfid is 16 bytes, a
 * layout 16 per brick): one syscall instead of a size query and a read. A larger value (ERANGE)
 * is sized, then read; a value that grew in between is read again. */
#define FIRST_TRY 256
#define GET_EXEC(fn, call, sys)                                 \
  static void fn(req *r) {                                      \
    r->syscall = sys;                                           \
    {                                                           \
      size_t size = FIRST_TRY;                                  \
      void *buf = malloc(size);                                 \
      ssize_t n = call;                                         \
      if (n >= 0) {                                             \
        r->out = buf;                                           \
        r->out_len = (size_t)n;                                 \
        return;                                                 \
      }                                                         \
      free(buf);                                                \
      if (errno != ERANGE) { r->err = errno; return; }          \
    }                                                           \
    for (int tries = 0; tries < 8; tries++) {                   \
      void *buf = NULL;                                         \
      size_t size = 0;                                          \
      ssize_t n;                                                \
      n = call;                                                 \
      if (n < 0) { r->err = errno; return; }                    \
      size = (size_t)n;                                         \
      buf = malloc(size ? size : 1);                            \
      n = call;                                                 \
      if (n < 0) {                                              \
        free(buf);                                              \
        if (errno == ERANGE) continue;                          \
        r->err = errno;                                         \
        return;                                                 \
      }                                                         \
      r->out = buf;                                             \
      r->out_len = (size_t)n;                                   \
      return;                                                   \
    }                                                           \
    r->err = ERANGE;                                            \
  }
GET_EXEC(exec_lget, lgetxattr(r->str[0], r->str[1], buf, size), "lgetxattr")
GET_EXEC(exec_fget, fgetxattr((int)r->num[0], r->str[1], buf, size), "fgetxattr")
GET_EXEC(exec_llist, llistxattr(r->str[0], buf, size), "llistxattr")
GET_EXEC(exec_flist, flistxattr((int)r->num[0], buf, size), "flistxattr")

#define SET_PARSE(fn, by_fd)                                                    \
  static int fn(napi_env env, napi_value *argv, size_t argc, req *r) {          \
    if (need_args(env, argc, 3, #fn) || parse_target(env, argv[0], r, by_fd) || \
        arg_string(env, argv[1], &r->str[1], "name") ||                         \
        arg_bytes(env, argv[2], &r->in, &r->in_len, "value"))                   \
      return -1;                                                                \
    r->num[1] = 0;                                                              \
    return argc > 3 ? arg_int64(env, argv[3], &r->num[1], "flags") : 0;         \
  }
SET_PARSE(parse_set_l, 0)
SET_PARSE(parse_set_f, 1)

static void exec_lset(req *r) {
  r->syscall = "lsetxattr";
  if (lsetxattr(r->str[0], r->str[1], r->in, r->in_len, (int)r->num[1]) < 0) r->err = errno;
}
static void exec_fset(req *r) {
  r->syscall = "fsetxattr";
  if (fsetxattr((int)r->num[0], r->str[1], r->in, r->in_len, (int)r->num[1]) < 0) r->err = errno;
}

static int parse_list_l(napi_env env, napi_value *argv, size_t argc, req *r) {
  return need_args(env, argc, 1, "llistxattr") || parse_target(env, argv[0], r, 0) ? -1 : 0;
}
static int parse_list_f(napi_env env, napi_value *argv, size_t argc, req *r) {
  return need_args(env, argc, 1, "flistxattr") || parse_target(env, argv[0], r, 1) ? -1 : 0;
}

static void exec_lremove(req *r) {
  r->syscall = "lremovexattr";
  if (lremovexattr(r->str[0], r->str[1]) < 0) r->err = errno;
}
static void exec_fremove(req *r) {
  r->syscall = "fremovexattr";
  if (fremovexattr((int)r->num[0], r->str[1]) < 0) r->err = errno;
}

const op xattr_ops[] = {
  {"lgetxattr", parse_get_l, exec_lget, res_buffer},
  {"fgetxattr", parse_get_f, exec_fget, res_buffer},
  {"lsetxattr", parse_set_l, exec_lset, NULL},
  {"fsetxattr", parse_set_f, exec_fset, NULL},
  {"llistxattr", parse_list_l, exec_llist, res_names},
  {"flistxattr", parse_list_f, exec_flist, res_names},
  {"lremovexattr", parse_get_l, exec_lremove, NULL},
  {"fremovexattr", parse_get_f, exec_fremove, NULL},
  {NULL, NULL, NULL, NULL},
};
