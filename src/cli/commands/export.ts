import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidInputError } from '../../core/errors';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("write a run's trained LSTM, GRU or Transformer as ONNX (predict then runs it through onnxruntime-node)")
    .argument('<run_dir>', 'a run directory (or its model/ folder)')
    .option('--onnx [file]', 'the ONNX file to write (default: model/model.onnx in the run, which predict uses)')
    .action(async (runDir: string, f: { onnx?: string | boolean }) => {
      if (!f.onnx) throw new InvalidInputError('say what to export: --onnx [file]');
      const [{ writeOnnx }, { modelDirOf }, { loadClassifier }, { pickBackend }] = await Promise.all([import('../../core/export/onnx-export'), import('../../core/inference/predict-video'), import('../../core/models/model-files'), import('../../core/training/backend')]);
      await pickBackend();
      const modelDir = modelDirOf(runDir);
      const out = typeof f.onnx === 'string' ? f.onnx : join(modelDir, 'model.onnx');
      const { model, meta } = await loadClassifier(modelDir);
      try {
        const bytes = writeOnnx(out, model, meta);
        console.log(`Wrote ${out} (${(bytes / 1024).toFixed(0)} KiB): input "sequences" [batch, ${meta.inputShape.join(', ')}], outputs "logits" and "probabilities" [batch, ${meta.labels.length}]`);
        if (out === join(modelDir, 'model.onnx')) console.log('gstudio predict on this run now runs it through onnxruntime-node.');
      } finally {
        model.dispose();
      }
    });
}
