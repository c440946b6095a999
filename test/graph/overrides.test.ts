import test from 'ava';
import { parseVolfileText } from '../../runtime/graph/load.js';
import { optionRecord, volumeByName } from '../../runtime/graph/model.js';
import { parseXlatorOption, volumeMatcher } from '../../runtime/graph/overrides.js';
import { codesAt, vol } from './helpers.js';

test('the pattern ends at the first dot and the key at the first equals sign, as in glusterfsd', (t) => {
  t.deepEqual(parseXlatorOption('*-client-*.transport.socket.listen-port=24009'), {
    pattern: '*-client-*',
    key: 'transport.socket.listen-port',
    value: '24009',
    raw: '*-client-*.transport.socket.listen-port=24009',
  });
  t.like(parseXlatorOption('v.k=a=b.c'), { pattern: 'v', key: 'k', value: 'a=b.c' });
});

test('a malformed override is refused with GRAPH_BAD_XLATOR_OPTION', (t) => {
  for (const bad of ['nodot=1', 'v.novalue', 'a=b.c', '.k=v', 'v.=x', 'v.k=']) {
    t.like(parseXlatorOption(bad), { code: 'GRAPH_BAD_XLATOR_OPTION', severity: 'error' }, bad);
  }
});

test('overrides set the option on every matching volume and win over the file', (t) => {
  const text =
    vol('d-client-0', 'type protocol/client', 'option remote-port 1') +
    vol('d-client-1', 'type protocol/client') +
    vol('d', 'type cluster/distribute', 'subvolumes d-client-0 d-client-1');
  const g = parseVolfileText(text, 't.vol', {
    xlatorOptions: ['*-client-*.remote-port=24009', 'd.lookup-unhashed=off', '*-client-0.remote-port=7'],
  });
  t.deepEqual(optionRecord(volumeByName(g, 'd-client-0')!), { 'remote-port': '7' });
  t.deepEqual(optionRecord(volumeByName(g, 'd-client-1')!), { 'remote-port': '24009' });
  t.deepEqual(optionRecord(volumeByName(g, 'd')!), { 'lookup-unhashed': 'off' });
  const last = volumeByName(g, 'd-client-0')!.options.at(-1)!;
  t.like(last, { origin: 'xlator-option', override: '*-client-0.remote-port=7' });
  t.deepEqual(g.warnings, [], 'an override repeating a file option is not a duplicate');
});

test('a pattern matching no volume is a warning', (t) => {
  t.deepEqual(codesAt(vol('a', 'type t'), ['zz*.k=v']), ['GRAPH_XLATOR_OPTION_UNMATCHED']);
});

test('a malformed override fails loading', (t) => {
  t.deepEqual(codesAt(vol('a', 'type t'), ['a.k']), ['GRAPH_BAD_XLATOR_OPTION']);
});

test('patterns match like fnmatch: stars cross slashes, classes work, braces are literal', (t) => {
  t.true(volumeMatcher('*')('/srv/gl/b1'));
  t.true(volumeMatcher('/srv/*')('/srv/gl/b1'));
  t.true(volumeMatcher('c-[01]')('c-1'));
  t.false(volumeMatcher('c-[!01]')('c-1'));
  t.true(volumeMatcher('c-[!01]')('c-2'));
  t.true(volumeMatcher('c-?')('c-2'));
  t.false(volumeMatcher('{a,b}')('a'));
  t.true(volumeMatcher('{a,b}')('{a,b}'));
  t.false(volumeMatcher('dvol')('dvol-dht'));
});
