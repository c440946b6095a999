/* Argument parsing and result/error building shared by every op. */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ERRNO_NAMES(X) \
  X(EPERM) X(ENOENT) X(ESRCH) X(EINTR) X(EIO) X(ENXIO) X(E2BIG) X(ENOEXEC) X(EBADF) X(ECHILD) \
  X(EAGAIN) X(ENOMEM) X(EACCES) X(EFAULT) X(ENOTBLK) X(EBUSY) X(EEXIST) X(EXDEV) X(ENODEV) \
  X(ENOTDIR) X(EISDIR) X(EINVAL) X(ENFILE) X(EMFILE) X(ENOTTY) X(ETXTBSY) X(EFBIG) X(ENOSPC) \
  X(ESPIPE) X(EROFS) X(EMLINK) X(EPIPE) X(EDOM) X(ERANGE) X(EDEADLK) X(ENAMETOOLONG) X(ENOLCK) \
  X(ENOSYS) X(ENOTEMPTY) X(ELOOP) X(ENOMSG) X(EIDRM) X(ENOSTR) X(ENODATA) X(ETIME) X(ENOSR) \
  X(ENOLINK) X(EPROTO) X(EBADMSG) X(EOVERFLOW) X(EILSEQ) X(EUSERS) X(ENOTSOCK) X(EDESTADDRREQ) \
  X(EMSGSIZE) X(EPROTOTYPE) X(ENOPROTOOPT) X(EPROTONOSUPPORT) X(EOPNOTSUPP) X(EAFNOSUPPORT) \
  X(EADDRINUSE) X(EADDRNOTAVAIL) X(ENETDOWN) X(ENETUNREACH) X(ENETRESET) X(ECONNABORTED) \
  X(ECONNRESET) X(ENOBUFS) X(EISCONN) X(ENOTCONN) X(ETIMEDOUT) X(ECONNREFUSED) X(EHOSTUNREACH) \
  X(EALREADY) X(EINPROGRESS) X(ESTALE) X(EDQUOT) X(ECANCELED) X(EOWNERDEAD) X(ENOTRECOVERABLE) \
  X(ENOKEY) X(EKEYEXPIRED) X(EKEYREVOKED) X(EKEYREJECTED) X(EMEDIUMTYPE) X(ENOMEDIUM) X(EUCLEAN)

static const char *errno_name(int err) {
  switch (err) {
#define CASE(e) case e: return #e;
    ERRNO_NAMES(CASE)
#undef CASE
    default: return NULL;
  }
}

napi_value make_errno_error(napi_env env, int err, const char *syscall, const char *path) {
  char code_buf[32];
  const char *code = errno_name(err);
  if (!code) {
    snprintf(code_buf, sizeof code_buf, "E%d", err);
    code = code_buf;
  }
  char msg[1024];
  if (path)
    snprintf(msg, sizeof msg, "%s: %s, %s '%s'", code, strerror(err), syscall, path);
  else
    snprintf(msg, sizeof msg, "%s: %s, %s", code, strerror(err), syscall);
  napi_value js_code, js_msg, error, v;
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &js_code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &js_msg);
  napi_create_error(env, js_code, js_msg, &error);
  napi_create_int32(env, -err, &v);
  napi_set_named_property(env, error, "errno", v);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, error, "syscall", v);
  if (path) {
    napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, error, "path", v);
  }
  return error;
}

static int type_error(napi_env env, const char *what, const char *expected) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s must be %s", what, expected);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return -1;
}

int need_args(napi_env env, size_t argc, size_t n, const char *fn) {
  if (argc >= n) return 0;
  char msg[128];
  snprintf(msg, sizeof msg, "%s expects %zu arguments, got %zu", fn, n, argc);
  napi_throw_type_error(env, "ERR_MISSING_ARGS", msg);
  return -1;
}

int arg_string(napi_env env, napi_value v, char **out, const char *what) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return type_error(env, what, "a string");
  char *s = malloc(len + 1);
  if (!s) return type_error(env, what, "smaller");
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  if (strlen(s) != len) { /* an embedded NUL would silently shorten a path */
    free(s);
    return type_error(env, what, "a string without NUL bytes");
  }
  *out = s;
  return 0;
}

int arg_int64(napi_env env, napi_value v, int64_t *out, const char *what) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_bigint) {
    bool lossless;
    napi_get_value_bigint_int64(env, v, out, &lossless);
    if (!lossless) return type_error(env, what, "a 64-bit integer");
    return 0;
  }
  if (t != napi_number) return type_error(env, what, "a number or bigint");
  double d;
  napi_get_value_double(env, v, &d);
  if (d != (double)(int64_t)d) return type_error(env, what, "an integer");
  *out = (int64_t)d;
  return 0;
}

int arg_bool(napi_env env, napi_value v, int *out) {
  bool b = false;
  napi_coerce_to_bool(env, v, &v);
  napi_get_value_bool(env, v, &b);
  *out = b;
  return 0;
}

int arg_bytes(napi_env env, napi_value v, void **out, size_t *len, const char *what) {
  bool is;
  void *data;
  napi_is_typedarray(env, v, &is);
  if (is) {
    napi_typedarray_type ty;
    size_t n, off;
    napi_value ab;
    napi_get_typedarray_info(env, v, &ty, &n, &data, &ab, &off);
    size_t esz = (ty == napi_uint8_array || ty == napi_int8_array || ty == napi_uint8_clamped_array) ? 1 : 0;
    if (!esz) return type_error(env, what, "a Buffer or Uint8Array");
    *len = n;
  } else {
    napi_valuetype t;
    napi_typeof(env, v, &t);
    if (t != napi_string) return type_error(env, what, "a Buffer, Uint8Array or string");
    char *s;
    if (arg_string(env, v, &s, what)) return -1;
    *out = s;
    *len = strlen(s);
    return 0;
  }
  /* copied: the pool thread must not touch memory the GC owns */
  *out = malloc(*len ? *len : 1);
  memcpy(*out, data, *len);
  return 0;
}

/* {sec, nsec} (numbers or bigints), or a number: UTIME_NOW / UTIME_OMIT */
int arg_timespec(napi_env env, napi_value v, struct timespec *out, const char *what) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_number) {
    int64_t n;
    if (arg_int64(env, v, &n, what)) return -1;
    if (n != UTIME_NOW && n != UTIME_OMIT) return type_error(env, what, "{sec, nsec}, UTIME_NOW or UTIME_OMIT");
    out->tv_sec = 0;
    out->tv_nsec = n;
    return 0;
  }
  if (t != napi_object) return type_error(env, what, "{sec, nsec}, UTIME_NOW or UTIME_OMIT");
  napi_value s, ns;
  int64_t sec, nsec;
  napi_get_named_property(env, v, "sec", &s);
  napi_get_named_property(env, v, "nsec", &ns);
  if (arg_int64(env, s, &sec, what) || arg_int64(env, ns, &nsec, what)) return -1;
  if (nsec < 0 || nsec > 999999999) return type_error(env, what, "a timespec with 0 <= nsec < 1e9");
  out->tv_sec = sec;
  out->tv_nsec = nsec;
  return 0;
}

napi_value res_int(napi_env env, req *r) {
  napi_value v;
  napi_create_int64(env, r->ret, &v);
  return v;
}

napi_value res_buffer(napi_env env, req *r) {
  napi_value v;
  void *data;
  napi_create_buffer_copy(env, r->out_len, r->out ? r->out : "", &data, &v);
  return v;
}

/* a NUL-separated list (listxattr) as an array of strings */
napi_value res_names(napi_env env, req *r) {
  napi_value arr;
  napi_create_array(env, &arr);
  const char *p = r->out, *end = p + r->out_len;
  uint32_t i = 0;
  while (p && p < end) {
    size_t n = strnlen(p, end - p);
    if (n) {
      napi_value s;
      napi_create_string_utf8(env, p, n, &s);
      napi_set_element(env, arr, i++, s);
    }
    p += n + 1;
  }
  return arr;
}

void set_prop_int64(napi_env env, napi_value obj, const char *key, int64_t v) {
  napi_value x;
  napi_create_int64(env, v, &x);
  napi_set_named_property(env, obj, key, x);
}

void set_prop_bigint(napi_env env, napi_value obj, const char *key, int64_t v) {
  napi_value x;
  napi_create_bigint_int64(env, v, &x);
  napi_set_named_property(env, obj, key, x);
}

int inline_args(napi_env env, napi_callback_info info, napi_value *argv, size_t n, const char *fn) {
  size_t argc = n;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  return need_args(env, argc, n, fn);
}

int arg_buffer(napi_env env, napi_value v, void **data, size_t *len, size_t min, const char *what) {
  if (napi_get_buffer_info(env, v, data, len) != napi_ok) return type_error(env, what, "a Buffer");
  if (*len < min) return type_error(env, what, "a larger Buffer");
  return 0;
}

int arg_float64s(napi_env env, napi_value v, double **data, size_t min, const char *what) {
  napi_typedarray_type type;
  size_t len;
  void *d;
  if (napi_get_typedarray_info(env, v, &type, &len, &d, NULL, NULL) != napi_ok || type != napi_float64_array)
    return type_error(env, what, "a Float64Array");
  if (len < min) return type_error(env, what, "a longer Float64Array");
  *data = d;
  return 0;
}

int read_name(napi_env env, napi_value v, char name[NAME_BUF]) {
  size_t len = 0;
  /* One copy, no separate length scan: see NAME_BUF for why a longer name cannot pass. */
  if (napi_get_value_string_utf8(env, v, name, NAME_BUF, &len) != napi_ok) return -EINVAL;
  if (len == 0 || len > NAME_MAX || strchr(name, '/') || strlen(name) != len) return -EINVAL;
  return 0;
}

napi_value nb_result(napi_env env, int64_t n) {
  napi_value v;
  napi_create_int64(env, n < 0 ? -errno : n, &v);
  return v;
}

napi_value int32_value(napi_env env, int32_t v) {
  napi_value out;
  napi_create_int32(env, v, &out);
  return out;
}

void export_inline(napi_env env, napi_value exports, const inline_fn *fns) {
  for (; fns->name; fns++) {
    napi_value fn;
    napi_create_function(env, fns->name, NAPI_AUTO_LENGTH, fns->fn, NULL, &fn);
    napi_set_named_property(env, exports, fns->name, fn);
  }
}
