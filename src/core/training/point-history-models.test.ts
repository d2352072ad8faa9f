import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertKeypointCsv, readLabelList } from '../dataset/keypoint-csv';
import { hasSharedData, sharedData } from '../../test-support/shared-data';
import { train } from './train';

/** GRU and Transformer learn the real point_history data (4 classes: chance is 0.25). Few epochs: CI budget. */
describe.skipIf(!hasSharedData)('point_history.csv: GRU and Transformer learn it', () => {
  let h5: string;
  beforeAll(async () => {
    h5 = join(mkdtempSync(join(tmpdir(), 'gs-ph2-')), 'point_history.h5');
    await convertKeypointCsv({ csvPath: sharedData('keypoints', 'point_history.csv'), classNames: readLabelList(sharedData('keypoints', 'point_history_labels.csv')), seqLen: 16, outPath: h5 });
  });

  it('GRU (PyTorch-style, reset after), 8 epochs', { timeout: 600_000 }, async () => {
    const { summary } = await train({ dataPath: h5, runDir: join(h5, '..', 'gru'), model: 'gru', epochs: 8, backend: 'wasm' });
    console.log(`point_history GRU: test macro F1 ${summary.test.macro_f1.toFixed(4)}, ${summary.trainSamplesPerSecond.toFixed(0)} samples/s`);
    expect(summary.test.macro_f1).toBeGreaterThan(0.85);
  });

  it('Transformer (2 pre-norm layers, width 64), 8 epochs', { timeout: 600_000 }, async () => {
    const { summary } = await train({ dataPath: h5, runDir: join(h5, '..', 'transformer'), model: 'transformer', hiddenSize: 64, epochs: 8, backend: 'wasm' });
    console.log(`point_history Transformer: test macro F1 ${summary.test.macro_f1.toFixed(4)}, ${summary.trainSamplesPerSecond.toFixed(0)} samples/s`);
    expect(summary.test.macro_f1).toBeGreaterThan(0.8);
  });
});
