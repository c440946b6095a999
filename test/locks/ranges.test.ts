import test from 'ava';
import fc from 'fast-check';
import { FopError } from '../../runtime/core/fop-error.js';
import {
  applyLock, conflicts, F_RDLCK, F_UNLCK, F_WRLCK, firstConflict, flockRange, grantable, OFFSET_MAX, overlaps, rangeLen, subtract, type RangeLock,
} from '../../runtime/core/lock-ranges.js';

const L = (owner: string, type: number, start: number, end: number | bigint): RangeLock => ({ owner, type, start: BigInt(start), end: BigInt(end) });
const show = (ls: RangeLock[]) => ls.map((l) => `${l.owner}:${['R', 'W', 'U'][l.type]}:${l.start}-${l.end === OFFSET_MAX ? 'max' : l.end}`).sort();

test('flock ranges: len 0 runs to end of file, negative len counts backwards, below zero is EINVAL', (t) => {
  t.deepEqual(flockRange(10n, 5n), { start: 10n, end: 14n });
  t.deepEqual(flockRange(10n, 0n), { start: 10n, end: OFFSET_MAX });
  t.deepEqual(flockRange(10n, -4n), { start: 6n, end: 9n });
  t.throws(() => flockRange(-1n, 5n), { instanceOf: FopError, code: 'EINVAL' });
  t.throws(() => flockRange(3n, -4n), { instanceOf: FopError, code: 'EINVAL' });
  t.deepEqual(rangeLen({ start: 10n, end: OFFSET_MAX }), { start: 10n, len: 0n });
  t.deepEqual(rangeLen({ start: 10n, end: 14n }), { start: 10n, len: 5n });
});

test('ranges overlap only when they share a byte', (t) => {
  t.true(overlaps({ start: 0n, end: 9n }, { start: 9n, end: 20n }));
  t.false(overlaps({ start: 0n, end: 9n }, { start: 10n, end: 20n }));
  t.true(overlaps({ start: 5n, end: 5n }, { start: 0n, end: OFFSET_MAX }));
});

test('two read locks never conflict; a write lock conflicts with any overlapping lock of another owner', (t) => {
  t.false(conflicts(L('a', F_RDLCK, 0, 10), L('b', F_RDLCK, 5, 15)));
  t.true(conflicts(L('a', F_WRLCK, 0, 10), L('b', F_RDLCK, 5, 15)));
  t.true(conflicts(L('a', F_RDLCK, 0, 10), L('b', F_WRLCK, 10, 15)));
  t.false(conflicts(L('a', F_WRLCK, 0, 10), L('b', F_WRLCK, 11, 15)), 'adjacent is not overlapping');
  t.false(conflicts(L('a', F_WRLCK, 0, 10), L('a', F_WRLCK, 5, 15)), 'an owner never conflicts with itself');
});

test('F_GETLK answers the first conflicting lock, or nothing when the lock could be granted', (t) => {
  const held = [L('a', F_RDLCK, 0, 99), L('b', F_WRLCK, 200, 299)];
  t.is(firstConflict(held, L('c', F_RDLCK, 50, 250)), held[1]);
  t.is(firstConflict(held, L('c', F_WRLCK, 50, 250)), held[0]);
  t.is(firstConflict(held, L('c', F_RDLCK, 0, 150)), undefined);
  t.is(firstConflict(held, L('b', F_WRLCK, 250, 260)), undefined, 'own locks are no answer');
  t.true(grantable(held, L('c', F_UNLCK, 0, OFFSET_MAX)));
});

test('same-type locks of one owner merge when they overlap or touch', (t) => {
  let held = applyLock([], L('a', F_WRLCK, 0, 9));
  held = applyLock(held, L('a', F_WRLCK, 10, 19));
  t.deepEqual(show(held), ['a:W:0-19']);
  held = applyLock(held, L('a', F_WRLCK, 15, 30));
  t.deepEqual(show(held), ['a:W:0-30']);
  held = applyLock(held, L('a', F_WRLCK, 40, 50));
  t.deepEqual(show(held), ['a:W:0-30', 'a:W:40-50'], 'a gap keeps them apart');
  held = applyLock(held, L('a', F_WRLCK, 31, 39));
  t.deepEqual(show(held), ['a:W:0-50'], 'filling the gap joins all three');
});

test('unlocking the middle of a lock splits it in two', (t) => {
  const held = applyLock([L('a', F_WRLCK, 0, 99)], L('a', F_UNLCK, 40, 59));
  t.deepEqual(show(held), ['a:W:0-39', 'a:W:60-99']);
  t.deepEqual(show(applyLock(held, L('a', F_UNLCK, 0, OFFSET_MAX))), []);
  t.deepEqual(show(applyLock([L('a', F_RDLCK, 10, OFFSET_MAX)], L('a', F_UNLCK, 20, 0 + 29))), ['a:R:10-19', 'a:R:30-max']);
});

test('a write lock inside a read lock upgrades just that part; a read lock inside a write lock downgrades it', (t) => {
  t.deepEqual(show(applyLock([L('a', F_RDLCK, 0, 99)], L('a', F_WRLCK, 20, 29))), ['a:R:0-19', 'a:R:30-99', 'a:W:20-29']);
  t.deepEqual(show(applyLock([L('a', F_WRLCK, 0, 99)], L('a', F_RDLCK, 0, 49))), ['a:R:0-49', 'a:W:50-99']);
  t.deepEqual(show(applyLock([L('a', F_RDLCK, 0, 9), L('a', F_WRLCK, 10, 19)], L('a', F_WRLCK, 0, 19))), ['a:W:0-19'], 'upgrade of the whole merges');
});

test("an owner's lock changes never touch another owner's locks", (t) => {
  const held = [L('a', F_RDLCK, 0, 99), L('b', F_RDLCK, 50, 149)];
  t.deepEqual(show(applyLock(held, L('a', F_UNLCK, 0, OFFSET_MAX))), ['b:R:50-149']);
  t.deepEqual(show(applyLock(held, L('b', F_RDLCK, 0, 49))), ['a:R:0-99', 'b:R:0-149']);
});

test('subtract leaves zero, one or two pieces and keeps the other fields', (t) => {
  const big = { ...L('a', F_WRLCK, 10, 20), pid: 7 };
  t.deepEqual(subtract(big, { start: 0n, end: 100n }), []);
  t.deepEqual(subtract(big, { start: 15n, end: 100n }), [{ ...big, end: 14n }]);
  t.deepEqual(subtract(big, { start: 12n, end: 13n }), [{ ...big, end: 11n }, { ...big, start: 14n }]);
  t.deepEqual(subtract(big, { start: 30n, end: 40n }), [big]);
});

/** A byte-by-byte model: each byte maps owner -> type. applyLock must agree with it. */
test('applyLock agrees with a byte-by-byte model of each owner (bounded random runs)', (t) => {
  const SIZE = 24;
  const op = fc.record({
    owner: fc.constantFrom('a', 'b'),
    type: fc.constantFrom(F_RDLCK, F_WRLCK, F_UNLCK),
    start: fc.integer({ min: 0, max: SIZE - 1 }),
    len: fc.integer({ min: 1, max: SIZE }),
  });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
      let held: RangeLock[] = [];
      const model = new Map<string, (number | undefined)[]>([['a', []], ['b', []]]);
      for (const o of ops) {
        const end = Math.min(SIZE - 1, o.start + o.len - 1);
        held = applyLock(held, L(o.owner, o.type, o.start, end));
        for (let i = o.start; i <= end; i++) model.get(o.owner)![i] = o.type === F_UNLCK ? undefined : o.type;
      }
      for (const [owner, bytes] of model) {
        const mine = held.filter((l) => l.owner === owner);
        for (let i = 0; i < SIZE; i++) {
          const covering = mine.filter((l) => l.start <= BigInt(i) && BigInt(i) <= l.end);
          if (covering.length > 1) return false;
          if ((covering[0]?.type) !== bytes[i]) return false;
        }
        // merged: no two same-type locks of one owner touch
        for (const x of mine) for (const y of mine) if (x !== y && x.type === y.type && x.end + 1n >= y.start && y.end + 1n >= x.start) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass();
});
