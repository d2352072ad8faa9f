import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertKeypointCsv, readLabelList } from '../dataset/keypoint-csv';
import { hasSharedData, repoRoot, sharedData } from '../../test-support/shared-data';
import { train } from './train';

/**
 * GRU and Transformer on the real point_history data, held to PyTorch on the same file and split
 * (nn.GRU; nn.TransformerEncoder built like the studio's Transformer), within 2 points of test macro
 * F1 as the LSTM is (point-history.test.ts), 20 epochs on both sides as the LSTM. At 8 epochs both
 * lag PyTorch by more than that (GRU 0.943 vs 0.968, Transformer 0.878 vs 0.922, measured
 * 2026-12-02); at 20 they are within it (0.990 vs 0.986, 0.982 vs 0.994). The references are
 * recorded by `npx tsx bench/point-history-reference.ts --epochs 20 --model gru` and
 * `... --model transformer --hidden 64` (bench/README.md).
 */
const EPOCHS = 20;
const reference = (model: string) => JSON.parse(readFileSync(join(repoRoot, 'bench', 'reference', `pytorch_point_history_${model}_${EPOCHS}ep.json`), 'utf8'));
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe.skipIf(!hasSharedData)('point_history.csv: GRU and Transformer against PyTorch', () => {
  let h5: string;
  beforeAll(async () => {
    h5 = join(mkdtempSync(join(tmpdir(), 'gs-ph2-')), 'point_history.h5');
    await convertKeypointCsv({ csvPath: sharedData('keypoints', 'point_history.csv'), classNames: readLabelList(sharedData('keypoints', 'point_history_labels.csv')), seqLen: 16, outPath: h5 });
  });

  it(`GRU (PyTorch-style, reset after), ${EPOCHS} epochs, within 2 points of nn.GRU`, { timeout: 900_000 }, async () => {
    const ref = reference('gru');
    expect([ref.args.model, ref.args.epochs, ref.args.hidden, ref.args.layers]).toEqual(['gru', EPOCHS, 128, 2]);
    const runDir = join(h5, '..', 'gru');
    const { summary } = await train({ dataPath: h5, runDir, model: 'gru', epochs: EPOCHS, backend: 'wasm' });
    expect(sha256(join(runDir, 'split.json'))).toBe(ref.split_sha256);
    console.log(`point_history GRU: test macro F1 ${summary.test.macro_f1.toFixed(4)} (PyTorch ${ref.test_macro_f1.toFixed(4)}), ${summary.trainSamplesPerSecond.toFixed(0)} samples/s`);
    expect(Math.abs(summary.test.macro_f1 - ref.test_macro_f1)).toBeLessThanOrEqual(0.02);
  });

  it(`Transformer (2 pre-norm layers, width 64), ${EPOCHS} epochs, within 2 points of nn.TransformerEncoder`, { timeout: 900_000 }, async () => {
    const ref = reference('transformer');
    expect([ref.args.model, ref.args.epochs, ref.args.hidden, ref.args.layers]).toEqual(['transformer', EPOCHS, 64, 2]);
    const runDir = join(h5, '..', 'transformer');
    const { summary } = await train({ dataPath: h5, runDir, model: 'transformer', hiddenSize: 64, epochs: EPOCHS, backend: 'wasm' });
    expect(sha256(join(runDir, 'split.json'))).toBe(ref.split_sha256);
    console.log(`point_history Transformer: test macro F1 ${summary.test.macro_f1.toFixed(4)} (PyTorch ${ref.test_macro_f1.toFixed(4)}), ${summary.trainSamplesPerSecond.toFixed(0)} samples/s`);
    expect(Math.abs(summary.test.macro_f1 - ref.test_macro_f1)).toBeLessThanOrEqual(0.02);
  });
});
