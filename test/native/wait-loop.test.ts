import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { native, type Waiter } from '../../native/index.js';

const { EAGAIN, EBADF } = os.constants.errno;

/** A non-blocking pipe, both ends closed after the test (unless a waiter owns one). */
function pipe(t: { teardown(fn: () => void): void }, keepRead = true): [number, number] {
  const p = native.pipeNb(65536);
  if (typeof p === 'number') throw new Error(`pipe failed: ${p}`);
  t.teardown(() => {
    for (const fd of keepRead ? p : [p[1]]) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
  });
  return p;
}

/** Resolves when `p` does, or rejects after `ms`: a stuck loop fails the test instead of hanging it. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

test('waitReadable calls back while an fd has data, promise jobs run after each call, and close() stops it', async (t) => {
  const [r, w] = pipe(t);
  const buf = Buffer.alloc(64);
  const got: string[] = [];
  let jobs = 0;
  let waiter: Waiter | undefined;
  const done = new Promise<void>((resolve) => {
    waiter = native.waitReadable(r, (...args: unknown[]) => {
      t.deepEqual(args, [], 'readiness is all the call says');
      for (let n = native.readNb(r, buf); n > 0; n = native.readNb(r, buf)) got.push(buf.subarray(0, n).toString());
      void Promise.resolve().then(() => jobs++);
      if (got.join('') === 'helloagain') resolve();
    }, false);
  });
  fs.writeSync(w, 'hello');
  setTimeout(() => fs.writeSync(w, 'again'), 20);
  await within(done, 5000, 'the second write');
  t.true(jobs >= 1);
  waiter!.close();
  waiter!.close(); // a second close finds nothing
  waiter!.pause(); // nor do pause and resume after it
  waiter!.resume();
  const before = got.length;
  fs.writeSync(w, 'late');
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.is(got.length, before, 'no call after close');
  t.is(native.readNb(r, buf), 4, 'the data is still there for whoever reads next');
});

test('two fds ready at once are served in one wake-up, the promise jobs of the first call before the second call', async (t) => {
  const [r1, w1] = pipe(t);
  const [r2, w2] = pipe(t);
  const buf = Buffer.alloc(16);
  const order: string[] = [];
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const serve = (name: string, fd: number) => () => {
    native.readNb(fd, buf);
    order.push(`call ${name}`);
    void Promise.resolve().then(() => order.push(`job ${name}`));
    if (order.filter((o) => o.startsWith('call')).length === 2) setImmediate(finish);
  };
  const a = native.waitReadable(r1, serve('a', r1), false);
  const b = native.waitReadable(r2, serve('b', r2), false);
  t.teardown(() => (a.close(), b.close()));
  // Both written before the loop waits: one epoll_wait returns both, and no libuv callback (which
  // would run promise jobs too) comes between the two calls.
  fs.writeSync(w1, 'x');
  fs.writeSync(w2, 'y');
  await within(done, 5000, 'both calls');
  t.is(order.length, 4);
  for (let i = 0; i < 4; i += 2) t.is(order[i + 1], order[i]!.replace('call', 'job'), `the job of ${order[i]} ran right after it`);
});

test('while a waiter waits on an idle fd, timers, immediates and sockets still run', async (t) => {
  const [r] = pipe(t);
  const waiter = native.waitReadable(r, () => t.fail('nothing was written'), false);
  t.teardown(() => waiter.close());
  await within(new Promise((resolve) => setTimeout(resolve, 30)), 5000, 'a timer');
  await within(new Promise((resolve) => setImmediate(resolve)), 5000, 'an immediate');
  // A round trip through libuv's own sockets (a TCP echo server in this process).
  const server = net.createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const echoed = await within(new Promise<string>((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => c.write('ping'));
    c.on('data', (d) => {
      resolve(d.toString());
      c.destroy();
    });
    c.on('error', reject);
  }), 5000, 'the echo');
  t.is(echoed, 'ping');
  // fs work finishes on the thread pool and reports through libuv's async handle.
  t.true((await within(fs.promises.stat('/'), 5000, 'an fs call')).isDirectory());
});

test('an fd that stays readable does not starve timers or immediates', async (t) => {
  const [r, w] = pipe(t);
  fs.writeSync(w, 'never read');
  let calls = 0;
  const waiter = native.waitReadable(r, () => void calls++, false);
  t.teardown(() => waiter.close());
  await within(new Promise((resolve) => setTimeout(resolve, 20)), 5000, 'a timer');
  await within(new Promise((resolve) => setImmediate(resolve)), 5000, 'an immediate');
  t.true(calls > 0);
  waiter.close();
});

test('pause() stops the calls until resume(); an owned fd is closed with its waiter', async (t) => {
  const [r, w] = pipe(t, false);
  const buf = Buffer.alloc(16);
  let calls = 0;
  let wake: () => void = () => undefined;
  const waiter = native.waitReadable(r, () => {
    calls++;
    native.readNb(r, buf);
    wake();
  }, true);
  waiter.pause();
  fs.writeSync(w, 'x');
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.is(calls, 0, 'no call while paused');
  await within(new Promise<void>((resolve) => {
    wake = resolve;
    waiter.resume();
  }), 5000, 'the call after resume');
  t.is(calls, 1);
  t.is(native.readNb(r, buf), -EAGAIN);
  waiter.close();
  t.is(native.readNb(r, buf), -EBADF, 'the waiter closed the fd it owned');
});

test('waitReadable refuses what is not an fd it can wait on', (t) => {
  t.throws(() => native.waitReadable(-1, () => undefined, false), { code: 'EBADF' });
  t.throws(() => native.waitReadable(0, 'x' as unknown as () => void, false), { instanceOf: TypeError });
  const dir = fs.mkdtempSync(`${os.tmpdir()}/gfs-wait-`);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const f = fs.openSync(`${dir}/file`, 'w');
  t.teardown(() => fs.closeSync(f));
  // A regular file is always ready: epoll refuses it, and so does the waiter.
  t.throws(() => native.waitReadable(f, () => undefined, false), { code: 'EPERM' });
});
