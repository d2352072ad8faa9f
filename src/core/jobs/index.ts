export * from './job-context';
export * from './job-runner';
export * from './port';
export * from './progress-meter';
export * from './protocol';
export * from './spawner';
export { runWorker } from './worker-runtime';
export * from './worker-ledger';
