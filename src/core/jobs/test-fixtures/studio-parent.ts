// A stand-in studio: starts one stubborn job and prints its worker's pid, then waits to be killed.
import { join } from 'node:path';
import { JobRunner } from '../job-runner';
import { forkSpawner } from '../spawner';
import type { JobKind } from '../../../api';

const runner = new JobRunner(forkSpawner(join(import.meta.dirname, 'test-worker.ts')));
const job = runner.start('stubborn' as JobKind, {});
console.log(`worker ${job.pid}`);
setInterval(() => undefined, 1000);
