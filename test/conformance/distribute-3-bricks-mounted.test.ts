import test from 'ava';
import { runConformance } from './suite.js';
import { distributeMountedTarget } from './targets/distribute-3-bricks.js';

runConformance(test, distributeMountedTarget());
