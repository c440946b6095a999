/* mount(2) and umount2(2), for the FUSE bridge (mounting /dev/fuse needs root). */
#include "common.h"

#include <errno.h>
#include <sys/mount.h>

/* mount(source, target, fstype, flags, data) */
static int parse_mount(napi_env env, napi_value *argv, size_t argc, req *r) {
  if (need_args(env, argc, 3, "mount") || arg_string(env, argv[0], &r->str[0], "source") ||
      arg_string(env, argv[1], &r->str[1], "target") || arg_string(env, argv[2], &r->str[2], "fstype"))
    return -1;
  if (argc > 3 && arg_int64(env, argv[3], &r->num[0], "flags")) return -1;
  if (argc > 4) {
    napi_valuetype t;
    napi_typeof(env, argv[4], &t);
    if (t != napi_undefined && t != napi_null && arg_string(env, argv[4], &r->str[3], "data")) return -1;
  }
  return 0;
}
static void exec_mount(req *r) {
  r->syscall = "mount";
  if (mount(r->str[0], r->str[1], r->str[2], (unsigned long)r->num[0], r->str[3]) < 0) r->err = errno;
}

/* umount2(target, flags) */
static int parse_umount2(napi_env env, napi_value *argv, size_t argc, req *r) {
  if (need_args(env, argc, 1, "umount2") || arg_string(env, argv[0], &r->str[0], "target")) return -1;
  return argc > 1 ? arg_int64(env, argv[1], &r->num[0], "flags") : 0;
}
static void exec_umount2(req *r) {
  r->syscall = "umount2";
  if (umount2(r->str[0], (int)r->num[0]) < 0) r->err = errno;
}

const op sys_ops[] = {
  {"mount", parse_mount, exec_mount, NULL},
  {"umount2", parse_umount2, exec_umount2, NULL},
  {NULL, NULL, NULL, NULL},
};
