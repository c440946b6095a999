import test from 'ava';
import { runConformance } from './suite.js';
import { inProcessTarget } from './targets/in-process.js';

runConformance(test, inProcessTarget());
