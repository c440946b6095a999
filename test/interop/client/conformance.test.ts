import test from 'ava';
import { existsSync } from 'node:fs';
import { runConformance } from '../../conformance/suite.js';
import { gfsMountOverRealGlusterfsdTarget } from '../../conformance/targets/gfs-mount-over-real-glusterfsd.js';
import { HAVE_GLUSTERFSD } from '../../protocol-client/helpers/real-brick.js';

// The shared conformance cases through gfs-mount -> protocol/client -> a real glusterfsd.
if (HAVE_GLUSTERFSD && existsSync('/dev/fuse')) runConformance(test, gfsMountOverRealGlusterfsdTarget());
else test.skip('gfs-mount-over-real-glusterfsd: needs glusterfsd and /dev/fuse', () => {});
