import test from 'ava';
import { runConformance } from './suite.js';
import { distributeOverWireTarget } from './targets/distribute-over-wire.js';

runConformance(test, distributeOverWireTarget());
