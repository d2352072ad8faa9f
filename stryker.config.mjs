// Mutation testing of the modules where a silent wrong number is worst (issue 16).
// `npm run test:mutation` runs it all; `npm run test:mutation -- --mutate src/core/vision/nms.ts` one
// module. Results per file: reports/mutation/mutation.html; stryker.md lists the equivalent mutants.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // The machine running it is usually shared: one test process.
  concurrency: 1,
  mutate: [
    'src/core/keypoints/frame-features.ts',
    'src/core/keypoints/sequence.ts',
    'src/core/keypoints/compact-records.ts',
    'src/core/dataset/split.ts',
    'src/core/dataset/augmentation.ts',
    'src/core/evaluation/classification-metrics.ts',
    'src/core/training/reduce-on-plateau.ts',
    'src/core/training/early-stopping.ts',
    'src/core/training/adamw.ts',
    'src/core/vision/nms.ts',
    'src/core/vision/roi.ts',
  ],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  incremental: true,
  // Local: a re-run tests only the mutants in code (or tests) that changed since the last run.
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  timeoutMS: 20000,
};
