import test from 'ava';
import { Fd } from '../../runtime/core/fd.js';
import { InodeTable } from '../../runtime/core/inode.js';
import { ClientFdTable } from '../../xlators/protocol/server/client.js';

const fdOf = (table: InodeTable) => new Fd(table.create(), 0);

test('a client\'s fd numbers start at 0 and a released number is handed out again, the last released first (gf_fd_unused_get)', async (t) => {
  const itable = new InodeTable();
  const fds = new ClientFdTable();
  const given = [0, 1, 2, 3].map(() => fds.add(fdOf(itable), false));
  t.deepEqual(given, [0n, 1n, 2n, 3n]);
  await fds.remove(1n);
  await fds.remove(3n);
  t.is(fds.add(fdOf(itable), false), 3n);
  t.is(fds.add(fdOf(itable), false), 1n);
  t.is(fds.add(fdOf(itable), false), 4n);
  t.is(fds.size, 5);
});

test('thousands of open fds keep distinct numbers through releases and reuse', async (t) => {
  const itable = new InodeTable();
  const fds = new ClientFdTable();
  const open = new Map<bigint, Fd>();
  let peak = 0;
  for (let i = 0; i < 5000; i++) {
    const fd = fdOf(itable);
    const n = fds.add(fd, false);
    t.false(open.has(n), `number ${n} handed out twice`);
    open.set(n, fd);
    peak = Math.max(peak, open.size);
    // Release every third one again, so numbers are reused while others stay open.
    if (i % 3 === 0) {
      const victim = [...open.keys()][Math.floor(open.size / 2)]!;
      t.is((await fds.remove(victim))?.fd, open.get(victim));
      open.delete(victim);
    }
  }
  t.is(fds.size, open.size);
  for (const [n, fd] of open) t.is(fds.take(n), fd);
  // Released numbers were reused before new ones: no number reaches the most fds open at once.
  t.true([...open.keys()].every((n) => n < BigInt(peak)));
  t.true(peak < 5000);
});

test('a number the client was never given, or gave back, is EBADF, whatever 64-bit value it sends', async (t) => {
  const itable = new InodeTable();
  const fds = new ClientFdTable();
  const a = fds.add(fdOf(itable), false);
  const b = fds.add(fdOf(itable), true);
  t.deepEqual(fds.numbers(), [0n, 1n]);
  for (const n of [-1n, 2n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 64n - 1n]) {
    t.throws(() => fds.take(n), { message: /is not open/ }, `number ${n}`);
    t.notThrows(() => fds.put(n));
    t.is(await fds.remove(n), undefined);
  }
  t.throws(() => fds.take(b, false), { message: /is a directory/ });
  await fds.remove(a);
  t.throws(() => fds.take(a), { message: /is not open/ });
  t.deepEqual(fds.numbers(), [1n]);
  t.is(fds.size, 1);
});
