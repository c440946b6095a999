import test from 'ava';
import { runConformance } from './suite.js';
import { mountedTarget } from './targets/mounted.js';

runConformance(test, mountedTarget());
