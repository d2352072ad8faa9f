import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDemoDataset } from '../demo/generate-demo-dataset';
import { writeDemoHdf5 } from '../demo/write-demo-hdf5';
import { predictRecords } from '../inference/predict-video';
import { loadClassifier } from '../models/model-files';
import { train } from '../training/train';
import { writeOnnx } from './onnx-export';

describe('predict with an exported model', () => {
  it('runs model/model.onnx through onnxruntime-node, with the classes and probabilities tfjs gives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-onnx-predict-'));
    const clips = generateDemoDataset({ seed: 3, classes: 3, clipsPerClass: 8 });
    const h5 = join(dir, 'demo.h5');
    await writeDemoHdf5(clips, h5);
    const runDir = join(dir, 'run');
    const { summary } = await train({ dataPath: h5, runDir, model: 'gru', epochs: 2, hiddenSize: 16, numLayers: 2, valFraction: 0.25, testFraction: 0.25 });
    expect(summary.kernels).toBe('fused');
    const records = clips[1].frames;
    const before = await predictRecords(runDir, records);
    expect(before.engine).toBe('tfjs');
    const { model, meta } = await loadClassifier(join(runDir, 'model'));
    writeOnnx(join(runDir, 'model', 'model.onnx'), model, meta);
    model.dispose();
    const after = await predictRecords(runDir, records);
    expect(after.engine).toBe('onnxruntime');
    expect(after.label).toBe(before.label);
    after.top.forEach((t, i) => {
      expect(t.label).toBe(before.top[i].label);
      expect(Math.abs(t.probability - before.top[i].probability)).toBeLessThan(1e-5);
    });
  });
});
