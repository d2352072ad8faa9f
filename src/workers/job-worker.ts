// Entry point of a job process (Electron utilityProcess or Node fork): a thin adapter to core/.
import { currentProcessPort, runWorker } from '../core/jobs';
import { jobKinds } from './job-kinds';

runWorker(jobKinds, currentProcessPort());
