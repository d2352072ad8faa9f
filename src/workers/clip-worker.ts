// Entry point of an extraction pool process: a thin adapter to core/extraction.
import { runClipWorker } from '../core/extraction/clip-worker-runtime';
import { currentProcessPort } from '../core/jobs/port';

runClipWorker(currentProcessPort());
