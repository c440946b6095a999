import test, { type TestFn } from 'ava';
import { existsSync } from 'node:fs';
import { runConformance } from '../../conformance/suite.js';
import { gfsMountOverRealGlusterfsdTarget } from '../../conformance/targets/gfs-mount-over-real-glusterfsd.js';
import { HAVE_GLUSTERFSD } from '../../protocol-client/helpers/real-brick.js';
import { needing } from '../../helpers/needs.js';

/**
 * Cases known to differ through a real glusterfsd, run as `failing` so they are reported, and
 * flagged the day they pass. It is not protocol/client's doing (it sends what it is given and
 * returns what the brick answers).
 */
const KNOWN: Record<string, string> = {
  // GlusterFS's posix lists trusted.* xattrs to every user (fuse-bridge filters only glusterfs.*).
  'changing xattrs needs write permission, and trusted ones need root': 'a real brick lists trusted.* to non-root users',
};

function withKnownDifferences(t: TestFn): TestFn {
  const serial = ((title: string, fn: never) => {
    const known = Object.keys(KNOWN).some((k) => title.endsWith(`: ${k}`));
    return known ? t.serial.failing(title, fn) : t.serial(title, fn);
  }) as unknown as TestFn['serial'];
  return new Proxy(t, { get: (target, prop) => (prop === 'serial' ? serial : Reflect.get(target, prop)) });
}

// The shared conformance cases through gfs-mount -> protocol/client -> a real glusterfsd.
if (HAVE_GLUSTERFSD && existsSync('/dev/fuse')) runConformance(withKnownDifferences(test), gfsMountOverRealGlusterfsdTarget());
else needing(false, 'glusterfsd (glusterfs-server) or /dev/fuse')('gfs-mount-over-real-glusterfsd: the conformance suite runs through a real brick', () => {});
