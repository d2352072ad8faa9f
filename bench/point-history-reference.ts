/**
 * Measures the PyTorch reference of a real-data check once and records it in
 * bench/reference/pytorch_point_history_<N>ep.json (LSTM, read by src/core/training/point-history.test.ts)
 * or pytorch_point_history_<model>_<N>ep.json (GRU, Transformer: point-history-models.test.ts):
 * converts point_history.csv to the reference HDF5 layout, draws the split exactly as `train` does
 * (seed 42, 15 % / 15 %), then runs bench/pytorch_point_history.py on that file and split.
 *
 *   npx tsx bench/point-history-reference.ts [--epochs 20] [--model lstm|gru|transformer] [--hidden 128]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertKeypointCsv, readLabelList } from '../src/core/dataset/keypoint-csv';
import { readSequenceFile } from '../src/core/dataset/sequence-file-reader';
import { saveSplit, splitDataset } from '../src/core/dataset/split';
import { sharedData } from '../src/test-support/shared-data';
import { findTorchPython, torchEnv } from './python-torch';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const epochs = Number(arg('--epochs') ?? 20);
const model = arg('--model') ?? 'lstm';
const hidden = arg('--hidden');
const out = join(here, 'results', 'point-history');
mkdirSync(out, { recursive: true });
const h5 = join(out, 'point_history.h5');
await convertKeypointCsv({ csvPath: sharedData('keypoints', 'point_history.csv'), classNames: readLabelList(sharedData('keypoints', 'point_history_labels.csv')), seqLen: 16, outPath: h5 });
const file = await readSequenceFile(h5);
const { split } = splitDataset(file.clips.map((c) => ({ key: c.key, label: c.label })), { valFraction: 0.15, testFraction: 0.15, seed: 42 });
const splitPath = join(out, 'split.json');
saveSplit(splitPath, split);
const python = findTorchPython();
if (!python) throw new Error('no python3 with torch and h5py: apt-get install python3-torch python3-h5py libopenblas0-pthread');
const result = JSON.parse(execFileSync(python, [join(here, 'pytorch_point_history.py'), h5, splitPath, '--epochs', String(epochs), '--model', model, ...(hidden ? ['--hidden', hidden] : [])], { encoding: 'utf8', env: torchEnv() }));
const record = {
  ...result,
  split_sha256: createHash('sha256').update(readFileSync(splitPath)).digest('hex'),
  clips: file.clips.length,
  measured: new Date().toISOString().slice(0, 10),
};
writeFileSync(join(here, 'reference', model === 'lstm' ? `pytorch_point_history_${epochs}ep.json` : `pytorch_point_history_${model}_${epochs}ep.json`), JSON.stringify(record, null, 1) + '\n');
console.log(JSON.stringify(record));
