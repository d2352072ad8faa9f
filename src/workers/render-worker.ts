// Entry point of a demo render process: a thin adapter to core/demo.
import { runRenderWorker } from '../core/demo/render-worker-runtime';
import { currentProcessPort } from '../core/jobs/port';

runRenderWorker(currentProcessPort());
