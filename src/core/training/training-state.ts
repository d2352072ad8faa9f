import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceAtomically } from '../dataset/atomic-file';
import type { RandomState } from '../dataset/seeded-random';
import { RunDirError } from '../errors';
import type { EarlyStoppingState } from './early-stopping';
import type { EpochMetrics } from './metrics-log';
import type { PlateauState } from './reduce-on-plateau';

/**
 * Everything needed to continue a run after its last finished epoch, saved at the end of every
 * epoch in `<run>/state/`: weights, AdamW moments, the random streams, scheduler and early-stopping
 * counters and the metrics so far. Binary files carry the epoch in their name and state.json (written
 * last, atomically) names them, so a crash mid-save leaves the previous epoch's state usable.
 */
export interface TrainingState {
  epoch: number;
  optionsKey: string;
  optimizerStep: number;
  lr: number;
  rng: { shuffle: RandomState; dropout: RandomState; augment: RandomState };
  plateau: PlateauState;
  early: EarlyStoppingState;
  rows: EpochMetrics[];
  elapsedSeconds: number;
  samplesTrained: number;
  /** Seconds spent in training batches (for samples/s). */
  trainSeconds: number;
  /** Parameter names and sizes, in the order of the binary files. */
  params: { name: string; shape: number[] }[];
}

interface StateFile extends TrainingState {
  weightsFile: string;
  optimizerFile: string;
}

function concat(arrays: Float32Array[]): Buffer {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Float32Array(total);
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return Buffer.from(out.buffer);
}

function split(buf: Buffer, sizes: number[]): Float32Array[] {
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const out: Float32Array[] = [];
  let o = 0;
  for (const s of sizes) {
    out.push(all.slice(o, o + s));
    o += s;
  }
  return out;
}

export async function saveTrainingState(dir: string, state: TrainingState, weights: Float32Array[], moments: Float32Array[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const weightsFile = `weights-e${state.epoch}.bin`;
  const optimizerFile = `optimizer-e${state.epoch}.bin`;
  await replaceAtomically(join(dir, weightsFile), (t) => writeFileSync(t, concat(weights)));
  await replaceAtomically(join(dir, optimizerFile), (t) => writeFileSync(t, concat(moments)));
  const file: StateFile = { ...state, weightsFile, optimizerFile };
  // JSON has no Infinity: -Infinity (no best yet) is stored as null.
  await replaceAtomically(join(dir, 'state.json'), (t) => writeFileSync(t, JSON.stringify(file, (_k, v) => (v === -Infinity ? null : v))));
  for (const f of readdirSync(dir)) if (/\.bin$/.test(f) && f !== weightsFile && f !== optimizerFile) rmSync(join(dir, f), { force: true });
}

export function loadTrainingState(dir: string): { state: TrainingState; weights: Float32Array[]; moments: Float32Array[] } | null {
  const path = join(dir, 'state.json');
  if (!existsSync(path)) return null;
  let file: StateFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new RunDirError(`${path} is damaged; start the run again without resume`);
  }
  const sizes = file.params.map((p) => p.shape.reduce((a, b) => a * b, 1));
  const wPath = join(dir, file.weightsFile);
  const oPath = join(dir, file.optimizerFile);
  if (!existsSync(wPath) || !existsSync(oPath)) throw new RunDirError(`the resume state in ${dir} is incomplete; start the run again without resume`);
  const weights = split(readFileSync(wPath), sizes);
  const moments = split(readFileSync(oPath), [...sizes, ...sizes]);
  const { weightsFile: _w, optimizerFile: _o, ...state } = file;
  return { state, weights, moments };
}
