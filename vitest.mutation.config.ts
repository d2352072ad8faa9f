import { defineConfig } from 'vitest/config';

// The fast unit tests of the modules under mutation testing (stryker.config.mjs). Stryker runs,
// per mutated file, only the tests related to it (vitest's related mode).
export default defineConfig({
  test: {
    include: [
      'src/core/keypoints/frame-features.test.ts',
      'src/core/keypoints/sequence.test.ts',
      'src/core/keypoints/compact-records.test.ts',
      'src/core/dataset/split-augment.test.ts',
      'src/core/dataset/split.test.ts',
      'src/core/dataset/augmentation.test.ts',
      'src/core/evaluation/classification-metrics.test.ts',
      'src/core/training/optimiser-schedules.test.ts',
      'src/core/vision/geometry.test.ts',
      'src/core/vision/nms.test.ts',
      'src/core/vision/roi.test.ts',
    ],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
