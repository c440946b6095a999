/*
 * waitReadable(fd, callback, own): callback() on the main thread while fd is readable, the
 * waiting done in a loop of our own instead of in libuv's poll phase (a uv_poll handle).
 *
 * Why: every wake-up through libuv pays for a whole loop iteration around its one callback (the
 * double epoll_wait Node's idle-time metrics cause, timers, Node's prepare and check handles, its
 * immediates check), and on a vCPU that halted between requests each of those steps runs on
 * cold caches. Measured here with a null FUSE server (two requests per stat of an expired name):
 * 122-125 µs of CPU per stat through uv_poll, 111-117 through this loop, 96-100 for a blocking
 * read loop with no event loop at all.
 *
 * How: a libuv prepare handle runs just before libuv would block in epoll. There we block
 * instead, in epoll_wait on our own epoll set, which holds the fds given here and libuv's own
 * backend fd (itself an epoll fd: readable whenever anything libuv watches is ready), for no
 * longer than libuv's next timer. A ready fd of ours is served at once (its callback through
 * napi_make_callback, so promise jobs and nextTicks run after it as after any callback), and
 * the wait resumes without a libuv iteration. Anything of libuv's (sockets, timers, thread-pool
 * completions, signals, immediates) ends the wait: libuv then polls, finds its events still
 * pending, and serves them; its next prepare phase brings it back here.
 *
 * A waiter's fd must not be closed while it is registered (epoll would keep a closed file's
 * registration under a number a new fd may take): close() the waiter first, or give it an fd
 * of its own (`own`: a dup it closes itself).
 */
#include "common.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <uv.h>

typedef struct waiter {
  struct waiter *next_dead;
  napi_ref callback;
  napi_ref self;
  napi_async_context ctx;
  int fd;
  int own;     /* close fd with the waiter */
  int active;  /* in the epoll set */
  int closed;
} waiter;

/* Per napi_env (per event loop): the epoll set, the prepare handle, waiters to free. */
typedef struct wait_loop {
  uv_prepare_t prepare;
  uv_idle_t idle; /* active while we wait: libuv never blocks in its own poll (see on_prepare) */
  napi_env env;
  uv_loop_t *loop;
  int epfd;
  int active; /* waiters in the epoll set: the prepare handle runs while there are any */
  waiter *dead;
  int open_handles; /* while closing: handles whose close callback is still to come */
} wait_loop;

/* Events taken per epoll_wait. */
#define BATCH 16

/* Waiters closed since the last wait: no event fetched from epoll can name them any more. */
static void bury(wait_loop *l) {
  while (l->dead) {
    waiter *w = l->dead;
    l->dead = w->next_dead;
    free(w);
  }
}

static void call_waiter(wait_loop *l, waiter *w) {
  napi_env env = l->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, recv, result;
  napi_get_reference_value(env, w->callback, &cb);
  /* The waiter's own object is the receiver, as it is the async resource: napi_get_global reached
   * into the context on every call (1.9 % of a mount's user time serving stats). */
  napi_get_reference_value(env, w->self, &recv);
  /* No argument: readiness is all there is to say (a failure shows in the read that follows). */
  if (napi_make_callback(env, w->ctx, recv, cb, 0, NULL, &result) != napi_ok) {
    /* A throw from the callback: reported as any other uncaught exception would be. */
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void on_idle(uv_idle_t *h) {
  (void)h;
}

static void serve(wait_loop *l) {
  struct epoll_event ev[BATCH];
  while (l->active > 0) {
    bury(l);
    /* libuv's time is refreshed first: its next deadline is measured from now, not from the
     * start of this loop iteration. 0 when it has work pending (immediates, closing handles). */
    uv_update_time(l->loop);
    int timeout = uv_backend_timeout(l->loop);
    int n = epoll_wait(l->epfd, ev, BATCH, timeout);
    if (n <= 0) return; /* a deadline of libuv's (or a signal): its turn */
    bool theirs = false;
    for (int i = 0; i < n; i++) {
      waiter *w = ev[i].data.ptr;
      if (w == NULL) theirs = true;
      else if (w->active) call_waiter(l, w);
    }
    /* libuv had something ready, or has work due now (an fd of ours that stays readable must
     * not keep its timers and immediates waiting): its turn. */
    if (theirs || timeout == 0) return;
  }
}

/*
 * libuv must never block in its own poll while fds of ours are registered: its epoll set does not
 * hold them (it cannot: ours holds its set, and epoll refuses cycles), so a request arriving then
 * would wait for libuv's next deadline. An idle handle keeps libuv's poll from blocking; it is
 * stopped while we work out our own deadline, which is libuv's next timer.
 */
static void on_prepare(uv_prepare_t *h) {
  wait_loop *l = h->data;
  uv_idle_stop(&l->idle);
  serve(l);
  if (l->active > 0) uv_idle_start(&l->idle, on_idle);
}

static int set_active(wait_loop *l, waiter *w, int on) {
  if (w->active == on) return 0;
  if (on) {
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, w->fd, &ev) != 0) return -errno;
    if (l->active++ == 0) {
      uv_prepare_start(&l->prepare, on_prepare);
      uv_idle_start(&l->idle, on_idle);
    }
  } else {
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
    if (--l->active == 0) {
      uv_prepare_stop(&l->prepare);
      uv_idle_stop(&l->idle);
    }
  }
  w->active = on;
  return 0;
}

static void close_waiter(napi_env env, wait_loop *l, waiter *w) {
  if (w->closed) return;
  set_active(l, w, 0);
  w->closed = 1;
  if (w->own) close(w->fd);
  napi_delete_reference(env, w->callback);
  napi_async_destroy(env, w->ctx);
  napi_delete_reference(env, w->self);
  /* Events already fetched in this round may still point at it: freed before the next wait. */
  w->next_dead = l->dead;
  l->dead = w;
}

static wait_loop *loop_of(napi_env env) {
  wait_loop *l = NULL;
  napi_get_instance_data(env, (void **)&l);
  return l;
}

/* The waiter a method was called on; `forget` (close) also removes it from its object: it is
 * freed soon after, so a later close(), pause() or resume() must find nothing rather than a
 * dangling pointer. */
static waiter *this_waiter(napi_env env, napi_callback_info info, bool forget) {
  napi_value thisv;
  napi_get_cb_info(env, info, NULL, NULL, &thisv, NULL);
  waiter *w = NULL;
  napi_status st = forget ? napi_remove_wrap(env, thisv, (void **)&w) : napi_unwrap(env, thisv, (void **)&w);
  return st == napi_ok ? w : NULL;
}

static napi_value undefined_value(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

/* pause(): stop waiting (the fd stays open and registered with nothing); resume() waits again. */
static napi_value waiter_pause(napi_env env, napi_callback_info info) {
  waiter *w = this_waiter(env, info, false);
  if (w && !w->closed) set_active(loop_of(env), w, 0);
  return undefined_value(env);
}

static napi_value waiter_resume(napi_env env, napi_callback_info info) {
  waiter *w = this_waiter(env, info, false);
  if (w && !w->closed) {
    int rc = set_active(loop_of(env), w, 1);
    if (rc != 0) napi_throw(env, make_errno_error(env, -rc, "epoll_ctl", NULL));
  }
  return undefined_value(env);
}

static napi_value waiter_close(napi_env env, napi_callback_info info) {
  waiter *w = this_waiter(env, info, true);
  if (w) close_waiter(env, loop_of(env), w);
  return undefined_value(env);
}

static void on_handle_closed(uv_handle_t *h) {
  wait_loop *l = h->data;
  if (--l->open_handles > 0) return;
  bury(l);
  free(l);
}

static void close_handles(wait_loop *l) {
  l->open_handles = 2;
  uv_close((uv_handle_t *)&l->prepare, on_handle_closed);
  uv_close((uv_handle_t *)&l->idle, on_handle_closed);
}

/* The environment is going away: whatever is still waiting stops, the set and handle go. */
static void finalize_loop(napi_env env, void *data, void *hint) {
  wait_loop *l = data;
  close(l->epfd);
  close_handles(l);
}

static int make_loop(napi_env env, wait_loop **out) {
  if ((*out = loop_of(env)) != NULL) return 0;
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return -EINVAL;
  wait_loop *l = calloc(1, sizeof *l);
  if (!l) return -ENOMEM;
  l->env = env;
  l->loop = loop;
  l->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (l->epfd < 0) {
    int e = errno;
    free(l);
    return -e;
  }
  /* libuv's backend: NULL marks its events (ours carry their waiter). */
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, uv_backend_fd(loop), &ev) != 0) {
    int e = errno;
    close(l->epfd);
    free(l);
    return -e;
  }
  uv_prepare_init(loop, &l->prepare);
  l->prepare.data = l;
  uv_idle_init(loop, &l->idle);
  l->idle.data = l;
  /* The prepare handle keeps the loop alive while anything waits; the idle one adds nothing. */
  uv_unref((uv_handle_t *)&l->idle);
  if (napi_set_instance_data(env, l, finalize_loop, NULL) != napi_ok) {
    close(l->epfd);
    close_handles(l);
    return -EINVAL;
  }
  *out = l;
  return 0;
}

static void add_method(napi_env env, napi_value obj, const char *name, napi_callback fn) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f);
  napi_set_named_property(env, obj, name, f);
}

/* waitReadable(fd, callback, own) -> { pause(), resume(), close() }. */
static napi_value wait_readable(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (inline_args(env, info, argv, 3, "waitReadable")) return NULL;
  int64_t fd;
  int own;
  if (arg_int64(env, argv[0], &fd, "fd") || arg_bool(env, argv[2], &own)) return NULL;
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  if (t != napi_function) {
    napi_throw_type_error(env, NULL, "waitReadable: callback must be a function");
    return NULL;
  }
  wait_loop *l;
  int rc = make_loop(env, &l);
  if (rc != 0) {
    napi_throw(env, make_errno_error(env, -rc, "waitReadable", NULL));
    return NULL;
  }
  waiter *w = calloc(1, sizeof *w);
  if (!w) {
    napi_throw(env, make_errno_error(env, ENOMEM, "waitReadable", NULL));
    return NULL;
  }
  w->fd = (int)fd;
  w->own = own;
  rc = set_active(l, w, 1);
  if (rc != 0) {
    free(w);
    napi_throw(env, make_errno_error(env, -rc, "epoll_ctl", NULL));
    return NULL;
  }
  napi_value obj, name;
  napi_create_object(env, &obj);
  add_method(env, obj, "pause", waiter_pause);
  add_method(env, obj, "resume", waiter_resume);
  add_method(env, obj, "close", waiter_close);
  napi_wrap(env, obj, w, NULL, NULL, NULL);
  napi_create_reference(env, argv[1], 1, &w->callback);
  napi_create_reference(env, obj, 1, &w->self);
  napi_create_string_utf8(env, "gfs:wait", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, obj, name, &w->ctx);
  return obj;
}

void export_waitloop(napi_env env, napi_value exports) {
  static const inline_fn fns[] = {
    {"waitReadable", wait_readable}, {NULL, NULL},
  };
  export_inline(env, exports, fns);
}
