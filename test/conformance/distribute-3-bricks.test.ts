import test from 'ava';
import { runConformance } from './suite.js';
import { distributeInProcessTarget } from './targets/distribute-3-bricks.js';

runConformance(test, distributeInProcessTarget());
