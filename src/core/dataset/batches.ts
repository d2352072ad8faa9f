import type { SeededRandom } from './seeded-random';
import type { SequenceSet } from './sequence-set';

export interface Batch {
  /** Indices into the set. */
  indices: number[];
  /** batch × seqLen × numFeatures. */
  x: Float32Array;
  y: Int32Array;
}

/** Index lists of consecutive batches; shuffled by `rng` when given (training), in order otherwise. */
export function batchIndices(n: number, batchSize: number, rng: SeededRandom | null): number[][] {
  const order = Array.from({ length: n }, (_, i) => i);
  if (rng) rng.shuffle(order);
  const out: number[][] = [];
  for (let i = 0; i < n; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}

/** Copies the batch's sequences out of the set; `transform` (augmentation) may change each copy in place. */
export function gatherBatch(set: SequenceSet, indices: number[], transform?: (seq: Float32Array) => void): Batch {
  const size = set.seqLen * set.numFeatures;
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  indices.forEach((idx, i) => {
    const seq = x.subarray(i * size, (i + 1) * size);
    seq.set(set.x.subarray(idx * size, (idx + 1) * size));
    transform?.(seq);
    y[i] = set.y[idx];
  });
  return { indices, x, y };
}
