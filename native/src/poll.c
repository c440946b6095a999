/*
 * Non-blocking reads and writes made inline on the main thread, with failures as values.
 *
 * Why: the FUSE bridge used to keep blocking reads of /dev/fuse outstanding on the libuv thread
 * pool. Every request then cost two extra thread wake-ups (the kernel wakes a pool thread, the pool
 * thread wakes the loop through its async handle) and a thread-pool slot per reader. /dev/fuse
 * and sockets support poll and O_NONBLOCK, so the main thread waits for them (waitloop.c) and
 * reads each request inline, as GlusterFS's fuse thread does. readNb returns -EAGAIN when nothing
 * is queued (a thrown error per empty read would cost more than the read).
 */
#include "common.h"

#include <limits.h>
#include <malloc.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/uio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

/* readNb(fd, buffer) -> bytes read (>= 0) or -errno (EAGAIN, EINTR, ENOENT, ENODEV, ...). */
static napi_value read_nb(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (inline_args(env, info, argv, 2, "readNb")) return NULL;
  int64_t fd;
  void *data;
  size_t len;
  if (arg_int64(env, argv[0], &fd, "fd") || arg_buffer(env, argv[1], &data, &len, 0, "buffer")) return NULL;
  return nb_result(env, read((int)fd, data, len));
}

/*
 * preadNowait(fd, buffer, position) -> bytes read (>= 0) or -errno: preadv2 with RWF_NOWAIT, so
 * it never waits on the disk: -EAGAIN when the data is not all in the page cache (a short count
 * when only its start is), -EOPNOTSUPP where the filesystem or kernel cannot tell. A brick reads
 * a small file's cached data inline this way instead of handing every read to a pool thread and
 * back (two thread wake-ups, each costlier than reading a few cached pages).
 */
static napi_value pread_nowait(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (inline_args(env, info, argv, 3, "preadNowait")) return NULL;
  int64_t fd, pos;
  void *data;
  size_t len;
  if (arg_int64(env, argv[0], &fd, "fd") || arg_buffer(env, argv[1], &data, &len, 0, "buffer") || arg_int64(env, argv[2], &pos, "position")) return NULL;
  struct iovec iov = {data, len};
#ifdef RWF_NOWAIT
  return nb_result(env, preadv2((int)fd, &iov, 1, (off_t)pos, RWF_NOWAIT));
#else
  (void)iov;
  return int32_value(env, -EOPNOTSUPP);
#endif
}

/*
 * writevNb(fd, head, rest) -> bytes written or -errno: one writev(2) of `head` then the buffers
 * of the array `rest`, inline. FUSE replies go this way: fs.writevSync builds a request object
 * and copies the buffer list for every reply.
 */
#define WRITEV_MAX 64
static napi_value writev_nb(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (inline_args(env, info, argv, 3, "writevNb")) return NULL;
  int64_t fd;
  struct iovec iov[WRITEV_MAX];
  if (arg_int64(env, argv[0], &fd, "fd") || arg_buffer(env, argv[1], &iov[0].iov_base, &iov[0].iov_len, 0, "head")) return NULL;
  uint32_t n = 0;
  if (napi_get_array_length(env, argv[2], &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "writevNb: rest must be an array of buffers");
    return NULL;
  }
  if (n > WRITEV_MAX - 1) {
    napi_throw_range_error(env, NULL, "writevNb: at most 63 buffers after the head");
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    if (napi_get_element(env, argv[2], i, &el) != napi_ok) {
      napi_throw_type_error(env, NULL, "writevNb: rest must be an array of buffers");
      return NULL;
    }
    if (arg_buffer(env, el, &iov[i + 1].iov_base, &iov[i + 1].iov_len, 0, "rest[i]")) return NULL;
  }
  return nb_result(env, writev((int)fd, iov, (int)n + 1));
}

/*
 * tuneMalloc(mmapThreshold, trimThreshold) -> true when glibc took both. Large buffers (1 MiB
 * READ and WRITE data) otherwise come from fresh mmaps: every one costs 256 page faults, the
 * kernel zeroing each page, and an munmap when V8 frees it. With a fixed mmap threshold above
 * that size and a high trim threshold, freed buffers stay in the heap and are reused, as
 * GlusterFS reuses its iobuf pools (sequential reads over the wire: 750 -> 930 MB/s here).
 */
static napi_value tune_malloc(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (inline_args(env, info, argv, 2, "tuneMalloc")) return NULL;
  int64_t mmap_threshold, trim_threshold;
  if (arg_int64(env, argv[0], &mmap_threshold, "mmapThreshold") || arg_int64(env, argv[1], &trim_threshold, "trimThreshold")) return NULL;
  if (mmap_threshold < 0 || mmap_threshold > INT_MAX || trim_threshold < 0 || trim_threshold > INT_MAX) {
    napi_throw_range_error(env, NULL, "tuneMalloc: thresholds are bytes from 0 to 2^31 - 1");
    return NULL;
  }
#ifdef __GLIBC__
  int ok = mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, (int)trim_threshold) == 1;
#else
  int ok = 0; /* other C libraries have no mallopt: nothing to tune */
#endif
  napi_value out;
  napi_get_boolean(env, ok, &out);
  return out;
}

void export_poll(napi_env env, napi_value exports) {
  static const inline_fn fns[] = {
    {"tuneMalloc", tune_malloc}, {"readNb", read_nb}, {"preadNowait", pread_nowait}, {"writevNb", writev_nb}, {NULL, NULL},
  };
  export_inline(env, exports, fns);
}
