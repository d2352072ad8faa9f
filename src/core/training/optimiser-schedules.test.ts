import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw';
import { pickBackend } from './backend';
import { EarlyStopping } from './early-stopping';
import { ReduceOnPlateau } from './reduce-on-plateau';

describe('optimiser and schedules', () => {
  beforeAll(async () => {
    await pickBackend('wasm');
  });

  it('AdamW takes PyTorch AdamW steps (decoupled weight decay)', () => {
    // torch.optim.AdamW(lr=0.1, weight_decay=0.5), p=[1.0,-2.0], grads [0.5,0.1] then [-0.2,0.3]
    // (float64, torch 1.13) -> step 1: [0.85, -2.0]; step 2: [0.7729394180, -1.9917780983]
    const p = tf.variable(tf.tensor1d([1, -2]), true, 'adamw-test-p');
    const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.5 });
    opt.apply({ [p.name]: tf.tensor1d([0.5, 0.1]) });
    const s1 = Array.from(p.dataSync());
    expect(s1[0]).toBeCloseTo(0.85, 5);
    expect(s1[1]).toBeCloseTo(-2.0, 5);
    opt.apply({ [p.name]: tf.tensor1d([-0.2, 0.3]) });
    const s2 = Array.from(p.dataSync());
    expect(s2[0]).toBeCloseTo(0.772939418, 5);
    expect(s2[1]).toBeCloseTo(-1.9917780983, 5);
    // State round trip.
    const state = opt.getState();
    const q = tf.variable(tf.tensor1d(s2), true, 'adamw-test-q');
    const opt2 = new AdamW([q], { lr: 0.1, weightDecay: 0.5 });
    opt2.setState(state);
    opt.apply({ [p.name]: tf.tensor1d([0.1, 0.1]) });
    opt2.apply({ [q.name]: tf.tensor1d([0.1, 0.1]) });
    expect(Array.from(q.dataSync())).toEqual(Array.from(p.dataSync()));
  });

  it('reduce-on-plateau (mode max) and early stopping count epochs without improvement', () => {
    const s = new ReduceOnPlateau({ factor: 0.5, patience: 2 });
    const lrs = [0.5, 0.6, 0.6, 0.6, 0.6, 0.7, 0.7, 0.7, 0.7].reduce<number[]>((acc, f1) => [...acc, s.step(f1, acc.length ? acc[acc.length - 1] : 1)], []);
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25]);
    const e = new EarlyStopping(3);
    const stops = [0.5, 0.6, 0.6, 0.55, 0.6].map((f1, i) => (e.update(i + 1, f1), e.shouldStop));
    expect(stops).toEqual([false, false, false, false, true]);
    expect(e.bestEpoch).toBe(2);
  });
});

describe('optimiser and schedules: the edges mutation testing found untested', () => {
  beforeAll(async () => {
    await pickBackend('wasm');
  });

  it('AdamW leaves a variable without a gradient alone, adds no trainable variables, and frees its moments', () => {
    const trainable = () => Object.values(tf.engine().registeredVariables).filter((v) => v.trainable).length;
    const p = tf.variable(tf.tensor1d([1, 2]), true, 'adamw-edge-p');
    const q = tf.variable(tf.tensor1d([3, 4]), true, 'adamw-edge-q');
    const before = trainable();
    const opt = new AdamW([p, q], { lr: 0.1, weightDecay: 0.5 });
    // Its moments must not be trained by a caller's tf.variableGrads() over all trainable variables.
    expect(trainable()).toBe(before);
    opt.apply({ [p.name]: tf.tensor1d([0.5, 0.5]) });
    expect(Array.from(q.dataSync())).toEqual([3, 4]);
    expect(Array.from(p.dataSync())).not.toEqual([1, 2]);
    const held = tf.memory().numTensors;
    opt.dispose();
    expect(tf.memory().numTensors).toBe(held - 4); // m and v of both variables
  });

  it('early stopping: a tie on F1 goes to the lower loss only; a lower F1 never counts, whatever its loss', () => {
    const e = new EarlyStopping(2);
    expect(e.update(1, 0.5, 1.0)).toBe(true);
    expect(e.update(2, 0.5, 0.8)).toBe(true); // same F1, lower loss
    expect(e.bestEpoch).toBe(2);
    expect(e.update(3, 0.5, 0.9)).toBe(false); // same F1, higher loss
    expect(e.update(4, 0.4, 0.1)).toBe(false); // lower F1, lower loss
    expect([e.sinceBest, e.shouldStop]).toEqual([3, true]);
    expect(e.getState()).toEqual({ best: 0.5, bestEpoch: 2, sinceBest: 3, bestLoss: 0.8 });
  });

  it('early stopping: a plateau of F1 whose loss keeps creeping down still stops after patience epochs', () => {
    const e = new EarlyStopping(2);
    e.update(1, 0.6, 1.0);
    expect(e.update(2, 0.6, 0.9)).toBe(true); // kept: same F1, lower loss...
    expect(e.shouldStop).toBe(false);
    expect(e.update(3, 0.6, 0.8)).toBe(true); // ...but no progress: two epochs without a higher F1
    expect([e.bestEpoch, e.sinceBest, e.shouldStop]).toEqual([3, 2, true]);
  });

  it('early stopping and reduce-on-plateau resume from their saved state (JSON null = no best yet)', () => {
    const e = new EarlyStopping(3);
    e.setState({ best: 0.7, bestEpoch: 4, sinceBest: 2, bestLoss: 0.3 });
    expect(e.update(7, 0.7, 0.4)).toBe(false);
    expect([e.bestEpoch, e.shouldStop]).toEqual([4, true]);
    const fresh = new EarlyStopping(3);
    fresh.setState({ best: null as unknown as number, bestEpoch: 0, sinceBest: 0 });
    expect(fresh.update(1, 0, 5)).toBe(true);

    const s = new ReduceOnPlateau({ factor: 0.5, patience: 1 });
    s.setState({ best: 0.9, badEpochs: 1, cooldownLeft: 0 });
    expect(s.step(0.8, 1)).toBe(0.5);
    expect(s.getState()).toEqual({ best: 0.9, badEpochs: 0, cooldownLeft: 0 });
    const s2 = new ReduceOnPlateau({ factor: 0.5, patience: 0 });
    s2.setState({ best: null as unknown as number, badEpochs: 0, cooldownLeft: 0 });
    expect(s2.step(0, 1)).toBe(1); // the first epoch is the best so far, even at F1 0
  });

  it('reduce-on-plateau: an equal metric is no improvement, the floor holds, and cooldown epochs pass unwatched', () => {
    const equal = new ReduceOnPlateau({ factor: 0.5, patience: 0, threshold: 0 });
    expect([equal.step(0.5, 1), equal.step(0.5, 1)]).toEqual([1, 0.5]);
    const floor = new ReduceOnPlateau({ factor: 0.1, patience: 0, minLr: 0.05 });
    expect([floor.step(0.5, 1), floor.step(0.5, 1), floor.step(0.5, 0.1)]).toEqual([1, 0.1, 0.05]);
    const cool = new ReduceOnPlateau({ factor: 0.5, patience: 0, cooldown: 2 });
    const lrs: number[] = [];
    let lr = 1;
    for (let i = 0; i < 5; i++) lrs.push((lr = cool.step(0.5, lr)));
    expect(lrs).toEqual([1, 0.5, 0.5, 0.5, 0.25]);
  });
});
