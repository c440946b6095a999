/*
 * Module entry: exports every op as `name` (Promise, runs on the libuv thread pool), `nameSync`
 * (runs inline, throws) and `nameNb` (runs inline, returns -errno on failure), plus the
 * constants callers need.
 */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

static void req_free(req *r) {
  for (int i = 0; i < MAX_STR_ARGS; i++) free(r->str[i]);
  free(r->in);
  free(r->out);
  free(r);
}

static const char *err_path(req *r) {
  if (r->syscall && strcmp(r->syscall, "mount") == 0) return r->str[1];
  return r->str[0];
}

static napi_value settle(napi_env env, req *r, napi_value *error) {
  if (r->err) {
    *error = make_errno_error(env, r->err, r->syscall ? r->syscall : r->op->name, err_path(r));
    return NULL;
  }
  *error = NULL;
  if (r->op->result) return r->op->result(env, r);
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static req *parse_call(napi_env env, napi_callback_info info, const op **opp) {
  size_t argc = 6;
  napi_value argv[6];
  void *data;
  napi_get_cb_info(env, info, &argc, argv, NULL, &data);
  const op *o = data;
  req *r = calloc(1, sizeof *r);
  r->op = o;
  if (o->parse(env, argv, argc, r)) {
    req_free(r);
    return NULL;
  }
  *opp = o;
  return r;
}

static napi_value call_sync(napi_env env, napi_callback_info info) {
  const op *o;
  req *r = parse_call(env, info, &o);
  if (!r) return NULL;
  o->exec(r);
  napi_value error, result = settle(env, r, &error);
  req_free(r);
  if (error) napi_throw(env, error);
  return result;
}

/* nameNb: as nameSync, but a failure returns -errno (a number) instead of throwing: for calls
 * whose failure is an expected answer (EEXIST, ENOENT, ENODATA) on hot paths, where building
 * and throwing an Error costs more than the syscall. */
static napi_value call_nb(napi_env env, napi_callback_info info) {
  const op *o;
  req *r = parse_call(env, info, &o);
  if (!r) return NULL;
  o->exec(r);
  napi_value result;
  if (r->err) napi_create_int32(env, -r->err, &result);
  else {
    napi_value error;
    result = settle(env, r, &error);
  }
  req_free(r);
  return result;
}

static void async_execute(napi_env env, void *data) {
  req *r = data;
  r->op->exec(r);
}

static void async_complete(napi_env env, napi_status status, void *data) {
  req *r = data;
  napi_value error, result = NULL;
  if (status == napi_cancelled) {
    r->err = ECANCELED;
  }
  result = settle(env, r, &error);
  if (error) napi_reject_deferred(env, r->deferred, error);
  else napi_resolve_deferred(env, r->deferred, result);
  napi_delete_async_work(env, r->work);
  req_free(r);
}

static napi_value call_async(napi_env env, napi_callback_info info) {
  const op *o;
  req *r = parse_call(env, info, &o);
  if (!r) return NULL;
  napi_value promise, name;
  napi_create_promise(env, &r->deferred, &promise);
  napi_create_string_utf8(env, o->name, NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, async_execute, async_complete, r, &r->work);
  napi_queue_async_work(env, r->work);
  return promise;
}

static void export_ops(napi_env env, napi_value exports, const op *ops) {
  for (const op *o = ops; o->name; o++) {
    napi_value fn;
    char sync_name[64];
    napi_create_function(env, o->name, NAPI_AUTO_LENGTH, call_async, (void *)o, &fn);
    napi_set_named_property(env, exports, o->name, fn);
    snprintf(sync_name, sizeof sync_name, "%sSync", o->name);
    napi_create_function(env, sync_name, NAPI_AUTO_LENGTH, call_sync, (void *)o, &fn);
    napi_set_named_property(env, exports, sync_name, fn);
    snprintf(sync_name, sizeof sync_name, "%sNb", o->name);
    napi_create_function(env, sync_name, NAPI_AUTO_LENGTH, call_nb, (void *)o, &fn);
    napi_set_named_property(env, exports, sync_name, fn);
  }
}

#define CONST(name) {#name, (int64_t)(name)}
static const struct { const char *name; int64_t value; } constants[] = {
  CONST(XATTR_CREATE), CONST(XATTR_REPLACE),
  CONST(UTIME_NOW), CONST(UTIME_OMIT),
  CONST(FALLOC_FL_KEEP_SIZE), CONST(FALLOC_FL_PUNCH_HOLE), CONST(FALLOC_FL_ZERO_RANGE),
  CONST(SEEK_SET), CONST(SEEK_CUR), CONST(SEEK_END), CONST(SEEK_DATA), CONST(SEEK_HOLE),
  CONST(RESOLVE_BENEATH), CONST(RESOLVE_NO_SYMLINKS), CONST(RESOLVE_NO_MAGICLINKS),
  CONST(RESOLVE_NO_XDEV), CONST(RESOLVE_IN_ROOT),
  CONST(O_PATH), CONST(O_DIRECTORY), CONST(O_NOFOLLOW), CONST(O_RDONLY), CONST(O_RDWR),
  CONST(O_WRONLY), CONST(O_CREAT), CONST(O_EXCL), CONST(O_TRUNC), CONST(O_APPEND),
  CONST(O_CLOEXEC), CONST(AT_FDCWD),
  CONST(MS_RDONLY), CONST(MS_NOSUID), CONST(MS_NODEV), CONST(MS_NOEXEC),
  CONST(MNT_FORCE), CONST(MNT_DETACH), CONST(UMOUNT_NOFOLLOW),
};

static napi_value init(napi_env env, napi_value exports) {
  export_ops(env, exports, xattr_ops);
  export_ops(env, exports, file_ops);
  export_ops(env, exports, sys_ops);
  export_poll(env, exports);
  export_waitloop(env, exports);
  export_splice(env, exports);
  export_stat(env, exports);
  napi_value c;
  napi_create_object(env, &c);
  for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
    set_prop_int64(env, c, constants[i].name, constants[i].value);
  napi_set_named_property(env, exports, "constants", c);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
