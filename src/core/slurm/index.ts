export * from './batch-scripts';
export * from './slurm-commands';
export * from './submission';
export * from './shard-status';
