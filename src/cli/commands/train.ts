import { Option, type Command } from 'commander';
import { InvalidInputError } from '../../core/errors';
import { withProgress } from '../in-process-job';

const num = (name: string, check: (n: number) => boolean) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw new InvalidInputError(`${name}: invalid value "${v}"`);
  return n;
};
const positiveInt = (name: string) => num(name, (n) => Number.isInteger(n) && n > 0);
const fraction = (name: string) => num(name, (n) => n > 0 && n < 1);

interface TrainFlags {
  out: string;
  model: 'lstm' | 'gru' | 'transformer';
  epochs: number;
  batch: number;
  lr: number;
  weightDecay: number;
  hidden: number;
  layers: number;
  dropout: number;
  patience: number;
  lrPatience: number;
  seed: number;
  val: number;
  test: number;
  augment?: boolean;
  mirror?: number;
  resume?: boolean;
  split?: string;
  kernels: 'auto' | 'fused' | 'tfjs-ops' | 'autodiff';
  threads?: number;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a classifier on a keypoint HDF5 file (the reference loop: AdamW, plateau and early stopping on val macro F1)')
    .argument('<file.h5>', 'keypoint sequences in the reference layout')
    .requiredOption('--out <run_dir>', 'run directory: metrics.csv, split.json, model/, pictures, summary.json')
    .addOption(new Option('--model <type>', 'sequence model').choices(['lstm', 'gru', 'transformer']).default('lstm'))
    .option('--epochs <n>', 'maximum epochs', positiveInt('--epochs'), 50)
    .option('--batch <n>', 'batch size', positiveInt('--batch'), 32)
    .option('--lr <x>', 'learning rate', num('--lr', (n) => n > 0), 1e-3)
    .option('--weight-decay <x>', 'AdamW weight decay', num('--weight-decay', (n) => n >= 0), 1e-2)
    .option('--hidden <n>', 'hidden size', positiveInt('--hidden'), 128)
    .option('--layers <n>', 'recurrent / encoder layers', positiveInt('--layers'), 2)
    .option('--dropout <x>', 'dropout between layers', num('--dropout', (n) => n >= 0 && n < 1), 0.3)
    .option('--patience <n>', 'early stopping patience (epochs)', positiveInt('--patience'), 10)
    .option('--lr-patience <n>', 'epochs without a better val F1 before the learning rate halves', positiveInt('--lr-patience'), 5)
    .option('--seed <n>', 'one seed for split, weights, shuffles, dropout', num('--seed', Number.isInteger), 42)
    .option('--val <x>', 'validation fraction', fraction('--val'), 0.15)
    .option('--test <x>', 'test fraction', fraction('--test'), 0.15)
    .option('--split <split.json>', 'reuse this split instead of drawing one')
    .option('--augment', 'augment training sequences (rotation, scale, shift, time stretch, frame drop)')
    .option('--mirror <p>', 'with --augment: probability of a left-right mirror that swaps the hands (default 0; it turns swipe_left into swipe_right)', num('--mirror', (n) => n >= 0 && n <= 1))
    .option('--resume', 'continue the run in --out from its last finished epoch')
    .addOption(new Option('--kernels <set>', 'layer math: fused WebAssembly SIMD kernels, tfjs ops, or tfjs autodiff (auto: fused where WebAssembly SIMD exists)').choices(['auto', 'fused', 'tfjs-ops', 'autodiff']).default('auto'))
    .option('--threads <n>', 'threads of the fused kernels, each a slice of the batch (default: one per core)', positiveInt('--threads'))
    .action(async (file: string, f: TrainFlags) => {
      if (f.mirror !== undefined && !f.augment) throw new InvalidInputError('--mirror is part of augmentation: add --augment');
      // Loaded when the command runs: TensorFlow.js takes seconds to load, `gstudio --help` should not.
      const [{ train }, { trainingProgress }, { engineText }] = await Promise.all([import('../../core/training/train'), import('../../core/training/training-progress'), import('../../core/training/step')]);
      const pace = trainingProgress();
      const result = await withProgress('Training', 'batches', (ctx) =>
        train(
          {
            dataPath: file,
            runDir: f.out,
            model: f.model,
            epochs: f.epochs,
            batchSize: f.batch,
            lr: f.lr,
            weightDecay: f.weightDecay,
            hiddenSize: f.hidden,
            numLayers: f.layers,
            dropout: f.dropout,
            patience: f.patience,
            lrPatience: f.lrPatience,
            seed: f.seed,
            valFraction: f.val,
            testFraction: f.test,
            splitPath: f.split,
            augment: Boolean(f.augment),
            augmentation: f.mirror !== undefined ? { mirror: f.mirror } : {},
            resume: Boolean(f.resume),
            kernels: f.kernels,
            threads: f.threads,
          },
          {
            signal: ctx.signal,
            onBatch: (b) => ctx.progress(pace.batch(b)),
            onEpoch: (e) => {
              ctx.progress(pace.epoch(e));
              ctx.log(
                `epoch ${String(e.epoch).padStart(3)}  train loss ${e.metrics.train_loss.toFixed(4)} acc ${e.metrics.train_acc.toFixed(3)}  ` +
                  `val loss ${e.metrics.val_loss.toFixed(4)} acc ${e.metrics.val_acc.toFixed(3)} F1 ${e.metrics.val_f1.toFixed(3)}  lr ${e.metrics.lr.toExponential(1)}${e.isBest ? '  *best' : ''}`,
              );
            },
          },
        ),
      );
      const s = result.summary;
      for (const w of s.warnings) console.log(`Note: ${w}`);
      console.log(
        `${s.status === 'early_stopped' ? 'Stopped early' : 'Finished'} after ${s.epochsRun} epochs on ${s.backend.backend} with ${engineText(s.kernels, s.engine)} (${s.trainSamplesPerSecond.toFixed(0)} samples/s); ` +
          `best epoch ${s.bestEpoch}, val macro F1 ${s.bestValF1.toFixed(4)}`,
      );
      console.log(`Test: accuracy ${s.test.accuracy.toFixed(4)}, macro F1 ${s.test.macro_f1.toFixed(4)} (${s.split.test} clips)`);
      console.log(`Run: ${s.runDir}`);
    });
}
