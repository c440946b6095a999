import test from 'ava';
import { runConformance } from './suite.js';
import { ioCacheTarget } from './targets/io-cache.js';

runConformance(test, ioCacheTarget());
