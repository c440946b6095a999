import test from 'ava';
import { runConformance } from '../../conformance/suite.js';
import { realGlusterfsClientOverGfsBrickTarget } from '../../conformance/targets/real-glusterfs-client-over-gfs-brick.js';
import { HAVE_REAL_CLIENT } from './real-client.js';

// The shared conformance cases through the real glusterfs client -> our gfs-brick.
if (HAVE_REAL_CLIENT) runConformance(test, realGlusterfsClientOverGfsBrickTarget());
else test.skip('real-glusterfs-client-over-gfs-brick: needs glusterfs and /dev/fuse', () => {});
