/*
 * Pipes and splice(2), so a large FUSE WRITE's payload goes from /dev/fuse to the brick's socket
 * without being copied through our memory: the kernel hands the written pages to a pipe
 * (fuse_dev_splice_read takes references to the page-cache folios), and from the pipe to the
 * TCP socket (the socket's buffers reference the same pages). A 1 MiB write otherwise costs two
 * copies of 1 MiB in the mount (into our buffer, then into the socket), each missing the CPU
 * caches. Both calls are non-blocking and report -errno as a value, as readNb does.
 */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

/* pipeNb(size) -> [readFd, writeFd] of a non-blocking pipe holding at least `size` bytes, or -errno. */
static napi_value pipe_nb(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (inline_args(env, info, argv, 1, "pipeNb")) return NULL;
  int64_t size;
  if (arg_int64(env, argv[0], &size, "size")) return NULL;
  if (size < 0 || size > INT_MAX) {
    napi_throw_range_error(env, NULL, "pipeNb: size is bytes from 0 to 2^31 - 1");
    return NULL;
  }
  int fds[2];
  napi_value out;
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return int32_value(env, -errno);
  if (size > 0 && fcntl(fds[0], F_SETPIPE_SZ, (int)size) < 0) {
    int e = errno;
    close(fds[0]);
    close(fds[1]);
    return int32_value(env, -e);
  }
  napi_value r, w;
  napi_create_array_with_length(env, 2, &out);
  napi_create_int32(env, fds[0], &r);
  napi_create_int32(env, fds[1], &w);
  napi_set_element(env, out, 0, r);
  napi_set_element(env, out, 1, w);
  return out;
}

/* The fds and length of spliceNb and teeNb: 0, or -1 with a TypeError thrown. */
static int fds_len(napi_env env, napi_callback_info info, const char *fn, int64_t *in, int64_t *out, int64_t *len) {
  napi_value argv[3];
  if (inline_args(env, info, argv, 3, fn)) return -1;
  return arg_int64(env, argv[0], in, "fdIn") || arg_int64(env, argv[1], out, "fdOut") || arg_int64(env, argv[2], len, "len") ? -1 : 0;
}

/* spliceNb(fdIn, fdOut, len) -> bytes moved or -errno; never blocks (SPLICE_F_NONBLOCK). */
static napi_value splice_nb(napi_env env, napi_callback_info info) {
  int64_t in, out, len;
  if (fds_len(env, info, "spliceNb", &in, &out, &len)) return NULL;
  return nb_result(env, splice((int)in, NULL, (int)out, NULL, (size_t)len, SPLICE_F_NONBLOCK | SPLICE_F_MOVE));
}

/* teeNb(fdIn, fdOut, len) -> bytes duplicated or -errno: the pages stay in fdIn's pipe too. */
static napi_value tee_nb(napi_env env, napi_callback_info info) {
  int64_t in, out, len;
  if (fds_len(env, info, "teeNb", &in, &out, &len)) return NULL;
  return nb_result(env, tee((int)in, (int)out, (size_t)len, SPLICE_F_NONBLOCK));
}

void export_splice(napi_env env, napi_value exports) {
  static const inline_fn fns[] = {{"pipeNb", pipe_nb}, {"spliceNb", splice_nb}, {"teeNb", tee_nb}, {NULL, NULL}};
  export_inline(env, exports, fns);
}
