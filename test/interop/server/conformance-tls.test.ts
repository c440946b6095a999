import test from 'ava';
import { runConformance } from '../../conformance/suite.js';
import { realGlusterfsClientOverGfsBrickTarget } from '../../conformance/targets/real-glusterfs-client-over-gfs-brick.js';
import { HAVE_REAL_CLIENT } from './real-client.js';
import { needing } from '../../helpers/needs.js';

// The shared conformance cases through the real glusterfs client -> our gfs-brick, over TLS.
if (HAVE_REAL_CLIENT) runConformance(test, realGlusterfsClientOverGfsBrickTarget({ tls: true }));
else needing(false, 'the real glusterfs client (glusterfs-client) or /dev/fuse')('real-glusterfs-client-over-gfs-brick-tls: the conformance suite runs through the real client over TLS', () => {});
