import test from 'ava';
import { readFileSync } from 'node:fs';
import { readVolfile } from '../../runtime/graph/load.js';
import { graphToJson } from '../../runtime/graph/render.js';
import { optionRecord, parentsOf, volumeByName } from '../../runtime/graph/model.js';
import { GLUSTER_VOLFILES, INTEROP_DIR } from '../helpers/shared.js';

const GLUSTER = GLUSTER_VOLFILES;
const INTEROP = INTEROP_DIR;

test('the GlusterFS 10.3 fuse client volfile loads with its real graph', async (t) => {
  const g = await readVolfile(`${GLUSTER}/dvol.tcp-fuse.vol`);
  t.is(g.top, 'dvol');
  t.is(g.volumes.length, 12);
  t.deepEqual(g.warnings, []);
  const json = graphToJson(g);
  t.deepEqual(json.volumes.find((v) => v.name === 'dvol-dht'), {
    name: 'dvol-dht',
    type: 'cluster/distribute',
    options: { 'force-migration': 'off', 'lock-migration': 'off', 'min-free-disk': '5%' },
    subvolumes: ['dvol-client-0', 'dvol-client-1', 'dvol-client-2'],
  });
  t.deepEqual(
    json.volumes.map((v) => [v.name, v.subvolumes.join(',')]),
    [
      ['dvol-client-0', ''],
      ['dvol-client-1', ''],
      ['dvol-client-2', ''],
      ['dvol-dht', 'dvol-client-0,dvol-client-1,dvol-client-2'],
      ['dvol-utime', 'dvol-dht'],
      ['dvol-write-behind', 'dvol-utime'],
      ['dvol-io-cache', 'dvol-write-behind'],
      ['dvol-open-behind', 'dvol-io-cache'],
      ['dvol-quick-read', 'dvol-open-behind'],
      ['dvol-md-cache', 'dvol-quick-read'],
      ['dvol-io-threads', 'dvol-md-cache'],
      ['dvol', 'dvol-io-threads'],
    ],
  );
  t.like(optionRecord(volumeByName(g, 'dvol-client-1')!), { 'remote-subvolume': '/srv/gl/b2', 'remote-host': 'vm', 'ping-timeout': '42' });
  t.deepEqual(volumeByName(g, 'dvol')!.typeLocation!.start, { offset: 2457, line: 96, column: 10 });
});

test('the GlusterFS 10.3 brick volfile loads, with a volume named by its path', async (t) => {
  const g = await readVolfile(`${GLUSTER}/dvol.vm.srv-gl-b1.vol`);
  t.is(g.top, 'dvol-server');
  t.is(g.volumes.length, 18);
  const brick = volumeByName(g, '/srv/gl/b1')!;
  t.is(brick.type, 'debug/io-stats');
  t.deepEqual(brick.subvolumes, ['dvol-quota']);
  t.deepEqual(parentsOf(g, '/srv/gl/b1').map((v) => v.name), ['dvol-server']);
  t.like(optionRecord(volumeByName(g, 'dvol-server')!), {
    'auth.addr./srv/gl/b1.allow': '*',
    'auth.login./srv/gl/b1.allow': '390e7ff1-1ca2-43df-97be-548e7db2cd0f',
  });
  t.is(volumeByName(g, 'dvol-posix')!.subvolumes.length, 0);
});

test('the interop brick and client volfiles load', async (t) => {
  const brick = await readVolfile(`${INTEROP}/real-brick.vol`);
  t.is(brick.top, 'raw-server');
  t.deepEqual(graphToJson(brick).volumes.map((v) => [v.name, v.type, v.subvolumes]), [
    ['raw-posix', 'storage/posix', []],
    ['raw-locks', 'features/locks', ['raw-posix']],
    ['raw-server', 'protocol/server', ['raw-locks']],
  ]);
  t.is(optionRecord(volumeByName(brick, 'raw-server')!)['transport.socket.listen-port'], '24999');
  const client = await readVolfile(`${INTEROP}/real-client.vol`);
  t.deepEqual(graphToJson(client), {
    top: 'raw-client',
    volumes: [
      {
        name: 'raw-client',
        type: 'protocol/client',
        options: { 'transport-type': 'tcp', 'remote-host': '127.0.0.1', 'remote-port': '24999', 'remote-subvolume': 'raw-locks' },
        subvolumes: [],
      },
    ],
  });
});

test('the real volfiles give the same graph when read from text', async (t) => {
  const { parseVolfileText } = await import('../../runtime/graph/load.js');
  const file = `${GLUSTER}/dvol.tcp-fuse.vol`;
  t.deepEqual(graphToJson(parseVolfileText(readFileSync(file, 'utf8'), file)), graphToJson(await readVolfile(file)));
});
