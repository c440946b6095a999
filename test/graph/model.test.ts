import test from 'ava';
import { GfsError } from '../../runtime/diagnostics/index.js';
import { parseVolfileText } from '../../runtime/graph/load.js';
import { appendVolume, childrenOf, emptyGraph, parentsOf, topVolume, volumeByName } from '../../runtime/graph/model.js';
import { renderJson } from '../../runtime/graph/render.js';
import { vol } from './helpers.js';

const text = vol('c', 'type storage/posix') + vol('p1', 'type t', 'subvolumes c') + vol('top', 'type t', 'subvolumes p1 c');

test('helpers find volumes, parents and children', (t) => {
  const g = parseVolfileText(text, 't.vol');
  t.is(topVolume(g)!.name, 'top');
  t.is(volumeByName(g, 'nope'), undefined);
  t.deepEqual(parentsOf(g, 'c').map((v) => v.name), ['p1', 'top']);
  t.deepEqual(childrenOf(g, volumeByName(g, 'top')!).map((v) => v.name), ['p1', 'c']);
});

test('an appended volume stacks on the old top and becomes the top', (t) => {
  const g = parseVolfileText(text, 't.vol');
  const ro = appendVolume(g, { name: 'top-read-only', type: 'features/read-only', options: { 'read-only': 'on' } });
  t.is(g.top, 'top-read-only');
  t.deepEqual(ro.subvolumes, ['top']);
  t.like(ro.options[0], { key: 'read-only', value: 'on', origin: 'program' });
  t.is(JSON.parse(renderJson(g)).volumes.at(-1).name, 'top-read-only');
});

test('appending refuses a taken name or an unknown subvolume', (t) => {
  const g = parseVolfileText(text, 't.vol');
  t.throws(() => appendVolume(g, { name: 'c', type: 't' }), { instanceOf: GfsError, code: 'GRAPH_DUPLICATE_VOLUME' });
  t.throws(() => appendVolume(g, { name: 'x', type: 't', subvolumes: ['nope'] }), { code: 'GRAPH_UNDEFINED_SUBVOLUME' });
  t.throws(() => appendVolume(g, { name: 'x', type: 't', subvolumes: ['x'] }), { code: 'GRAPH_SELF_REFERENCE' });
  t.is(g.top, 'top');
});

test('a graph can be built from nothing', (t) => {
  const g = emptyGraph();
  appendVolume(g, { name: 'posix', type: 'storage/posix', options: { directory: '/d' } });
  appendVolume(g, { name: 'locks', type: 'features/locks' });
  t.is(g.top, 'locks');
  t.deepEqual(volumeByName(g, 'posix')!.subvolumes, []);
  t.deepEqual(volumeByName(g, 'locks')!.subvolumes, ['posix']);
});
