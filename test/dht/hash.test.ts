import test from 'ava';
import { dmHash, dhtHashName } from '../../xlators/cluster/distribute/hash.js';
import { dmHashes, placements } from './fixtures.js';

const hex = (h: number): string => h.toString(16).padStart(8, '0');
const bytes = (s: string): Uint8Array => Buffer.from(s, 'hex');

test('every name hashes exactly as the installed libglusterfs gf_dm_hashfn does', (t) => {
  t.true(dmHashes.cases.length > 700);
  const wrong = dmHashes.cases.filter((c) => hex(dmHash(bytes(c.hex))) !== c.hash);
  t.deepEqual(wrong, []);
});

test('the recorded vectors cover every ASCII length from 1 to 255', (t) => {
  const lengths = new Set(placements.files.filter((f) => f.kind === 'ascii-length').map((f) => Buffer.byteLength(f.name!)));
  t.is(lengths.size, 255);
});

test('names whose length is a multiple of 16 get a whole block of padding', (t) => {
  const cases = dmHashes.cases.filter((c) => c.hex.length > 0 && (c.hex.length / 2) % 16 === 0);
  t.true(cases.length >= 20);
  for (const c of cases) t.is(hex(dmHash(bytes(c.hex))), c.hash, c.hex);
  // The pad word carries only the low byte of the length: 256 and 0 bytes pad alike, yet differ.
  t.not(dmHash(new Uint8Array(256).fill(0x41)), dmHash(new Uint8Array(0)));
});

test('leftover bytes >= 0x80 are sign-extended like a signed C char', (t) => {
  const single = dmHashes.cases.filter((c) => c.hex.length === 2);
  t.is(single.length, 255);
  for (const c of single) t.is(hex(dmHash(bytes(c.hex))), c.hash, c.hex);
  // Unsigned treatment would give another value for a trailing 0xff.
  t.not(dmHash(Uint8Array.of(0x61, 0xff)), dmHash(Uint8Array.of(0x61, 0x7f)));
});

test('the empty name and 255-byte names hash like GlusterFS', (t) => {
  const empty = dmHashes.cases.find((c) => c.hex === '')!;
  t.is(hex(dmHash('')), empty.hash);
  const long = dmHashes.cases.filter((c) => c.hex.length === 510);
  t.true(long.length >= 5);
  for (const c of long) t.is(hex(dmHash(bytes(c.hex))), c.hash);
});

test('a string name is hashed as its UTF-8 bytes', (t) => {
  t.is(dmHash('日本'), dmHash(Buffer.from('日本', 'utf8')));
  t.is(dmHash('é'), dmHash(Uint8Array.of(0xc3, 0xa9)));
});

test('a subarray is hashed by its own bytes, not its backing buffer', (t) => {
  const backing = Buffer.from('xxabcdefghijklmnopqrstuvxx');
  t.is(dmHash(backing.subarray(2, 24)), dmHash('abcdefghijklmnopqrstuv'));
});

test('dhtHashName of an ordinary name is the plain hash', (t) => {
  t.is(dhtHashName('file.txt'), dmHash('file.txt'));
  t.is(dhtHashName('.hidden'), dmHash('.hidden'));
});
