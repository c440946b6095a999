/**
 * The mount's timers that drop the kernel's cached listings (BridgeCore.listingRead): one fires
 * once a listing is as old as attributes may be, and none outlives the mount.
 */
import test, { type ExecutionContext } from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '../../runtime/log/logger.js';
import { startGraph } from '../../runtime/testkit/index.js';
import { BridgeCore } from '../../xlators/mount/fuse/bridge/core.js';

const opts = { attributeTimeout: 0.05, entryTimeout: 1, negativeTimeout: 0, directIo: false, keepCache: true, client: 'test', readdirCache: true };

/** A bridge over a real posix graph, negotiated as with a kernel of protocol 7.31 without AUTO_INVAL_DATA. */
async function listedDir(t: ExecutionContext) {
  const g = await startGraph({ stack: [] });
  t.teardown(() => g.stop());
  const core = new BridgeCore(g.graph, opts, new Logger('test'));
  core.negotiated({ major: 7, minor: 31, kernelFlags: 0, flags: 0, maxWrite: 131072, maxPages: 32, maxReadahead: 131072 });
  const dir = g.graph.itable.root;
  core.nodes.handedOut(dir);
  const dropped: bigint[] = [];
  core.invalidate = (nodeid) => dropped.push(nodeid);
  core.listingRead(dir);
  return { core, dropped };
}

test('a cached listing is dropped once it is as old as attributes may be', async (t) => {
  const { dropped } = await listedDir(t);
  t.deepEqual(dropped, []);
  await sleep(200);
  t.deepEqual(dropped, [1n]);
});

test('no listing is dropped after the mount stopped', async (t) => {
  const { core, dropped } = await listedDir(t);
  core.stop();
  await sleep(200);
  t.deepEqual(dropped, []);
});
