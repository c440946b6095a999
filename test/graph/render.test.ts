import test from 'ava';
import { parseVolfileText } from '../../runtime/graph/load.js';
import { graphToJson, renderDot, renderText } from '../../runtime/graph/render.js';
import { vol } from './helpers.js';

const text =
  vol('c', 'type storage/posix', 'option directory "/srv/a b"') +
  vol('p1', 'type t', 'subvolumes c') +
  vol('o', 'type t') +
  vol('top', 'type t', 'option x 1', 'option x 2', 'subvolumes p1 c');

test('json has exactly top and volumes in file order with raw option strings', (t) => {
  t.deepEqual(graphToJson(parseVolfileText(text, 't.vol')), {
    top: 'top',
    volumes: [
      { name: 'c', type: 'storage/posix', options: { directory: '/srv/a b' }, subvolumes: [] },
      { name: 'p1', type: 't', options: {}, subvolumes: ['c'] },
      { name: 'o', type: 't', options: {}, subvolumes: [] },
      { name: 'top', type: 't', options: { x: '2' }, subvolumes: ['p1', 'c'] },
    ],
  });
});

test('dot draws parent -> child edges and labels nodes with their type', (t) => {
  const dot = renderDot(parseVolfileText(text, 't.vol'));
  t.true(dot.startsWith('digraph "top" {'));
  t.true(dot.includes('"c" [label="c\\nstorage/posix"];'));
  t.true(dot.includes('"top" -> "p1";'));
  t.true(dot.includes('"top" -> "c";'));
  t.true(dot.includes('"p1" -> "c";'));
});

test('text is a tree from the top; a shared child is expanded once; orphans are listed', (t) => {
  t.is(
    renderText(parseVolfileText(text, 't.vol')),
    [
      'top (t) [1 option]',
      '├─ p1 (t)',
      '│  └─ c (storage/posix) [1 option]',
      '└─ c (see above)',
      '',
      'not reachable from the top:',
      '  o (t)',
      '',
    ].join('\n'),
  );
});
