import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '../dataset/seeded-random';

/** A model's trainable weights by stable name, in creation order (the order of checkpoints). */
export class Parameters {
  private readonly vars = new Map<string, tf.Variable>();

  add(name: string, shape: number[], values: Float32Array): tf.Variable {
    if (this.vars.has(name)) throw new Error(`duplicate parameter ${name}`);
    const v = tf.variable(tf.tensor(values, shape, 'float32'), true, `${name}#${Math.random().toString(36).slice(2, 8)}`);
    this.vars.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  get names(): string[] {
    return [...this.vars.keys()];
  }

  list(): tf.Variable[] {
    return [...this.vars.values()];
  }

  count(): number {
    return this.list().reduce((n, v) => n + v.size, 0);
  }

  /** Copies of every weight, for checkpoints. */
  snapshot(): { name: string; shape: number[]; data: Float32Array }[] {
    return [...this.vars.entries()].map(([name, v]) => ({ name, shape: v.shape, data: v.dataSync() as Float32Array }));
  }

  load(weights: Record<string, { shape: number[]; data: Float32Array }>): void {
    for (const [name, v] of this.vars) {
      const w = weights[name];
      if (!w) throw new Error(`the checkpoint lacks weight "${name}"`);
      if (w.shape.join() !== v.shape.join()) throw new Error(`weight "${name}" has shape [${w.shape}], the model needs [${v.shape}]`);
      // The tensor made to assign from is not kept (a tidy would not see it after the loop either).
      const t = tf.tensor(w.data, v.shape, 'float32');
      v.assign(t);
      t.dispose();
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/** U(-bound, bound): PyTorch's initialisation of RNN weights (bound 1/sqrt(H)) and Linear layers (1/sqrt(fan_in)). */
export function uniform(rng: SeededRandom, size: number, bound: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-bound, bound);
  return out;
}

export function constant(size: number, value: number): Float32Array {
  return new Float32Array(size).fill(value);
}
