import { z } from 'zod';
import { TrainingSettings } from '../../api/runs';
import { trainingOptionsFromSettings } from './training-options-from-settings';
import { predictRunSplits } from '../evaluation/evaluate-run';
import { CancelledError, errorMessage, StudioError } from '../errors';
import type { JobContext } from '../jobs/job-context';
import { trainingProgress } from '../training/training-progress';
import { ProjectStore, projectFiles, type PredictionRecord } from '../project';
import { train, type TrainingSummary } from '../training/train';
import { engineText } from '../training/step';
import { syncLabelsToKeypoints } from './sync-labels';

export const TrainProjectParams = z.object({
  projectDir: z.string().min(1),
  runId: z.number().int().positive(),
  settings: TrainingSettings,
  resume: z.boolean().default(false),
});
export type TrainProjectParams = z.input<typeof TrainProjectParams>;

/**
 * One training run of a project: relabels synced into the keypoints file, the reference loop in
 * this process, every epoch recorded in the project as it ends, and at the end the best model's
 * prediction for every clip (train, validation and test) stored for the review views.
 */
export async function trainProject(raw: unknown, ctx: JobContext): Promise<TrainingSummary> {
  const p = TrainProjectParams.parse(raw);
  const store = ProjectStore.open(p.projectDir);
  const run = store.run(p.runId);
  const s = p.settings;
  let epochsDone = 0;
  const pace = trainingProgress();
  try {
    ctx.progress({ done: 0, total: 0, message: 'Syncing labels and loading the keypoints' });
    const relabelled = await syncLabelsToKeypoints(store);
    if (relabelled) ctx.log(`${relabelled} relabelled clip(s) updated in the keypoints file`);
    // What the file's class names mean now: a class renamed while the run trains keeps its id.
    const classIds = store.classes.activeIds();
    store.setRunStatus(run.id, 'running');
    const result = await train(
      trainingOptionsFromSettings(s, { dataPath: projectFiles(store.dir).keypoints, runDir: run.run_dir, resume: p.resume }),
      {
        signal: ctx.signal,
        onBatch: (b) => {
          ctx.progress({
            ...pace.batch(b),
            message: `Epoch ${b.epoch}/${b.epochs}, batch ${b.batch}/${b.batches}, loss ${b.loss.toFixed(4)}`,
            training: { runId: run.id, epoch: b.epoch, epochs: b.epochs, batch: b.batch, batches: b.batches, loss: b.loss, epochsDone },
          });
        },
        onResume: (rows) => {
          const known = new Set(store.epochs(run.id).map((e) => e.epoch));
          for (const m of rows) {
            if (!known.has(m.epoch)) store.addEpoch(run.id, { epoch: m.epoch, trainLoss: m.train_loss, trainAcc: m.train_acc, valLoss: m.val_loss, valAcc: m.val_acc, valF1: m.val_f1, lr: m.lr });
          }
        },
        onEpoch: (e) => {
          const m = e.metrics;
          store.addEpoch(run.id, { epoch: m.epoch, trainLoss: m.train_loss, trainAcc: m.train_acc, valLoss: m.val_loss, valAcc: m.val_acc, valF1: m.val_f1, lr: m.lr, seconds: e.elapsedSeconds });
          epochsDone = e.epoch;
          ctx.progress({
            ...pace.epoch(e),
            message: `Epoch ${e.epoch}/${e.epochs}: val F1 ${m.val_f1.toFixed(3)}${e.isBest ? ' (best)' : ''}`,
            training: { runId: run.id, epoch: e.epoch, epochs: e.epochs, batch: 0, batches: 0, loss: m.train_loss, epochsDone },
          });
        },
      },
    );
    const total = epochsDone * pace.batchesPerEpoch;
    ctx.progress({ done: total, total, message: 'Predicting every clip with the best model' });
    await storePredictions(store, run.id, run.run_dir, classIds);
    ctx.progress({ done: total, total, message: `Done: test accuracy ${result.summary.test.accuracy.toFixed(3)}, macro F1 ${result.summary.test.macro_f1.toFixed(3)}` });
    // The run list's backend column names the engine and its threads too (the Training view shows it as is).
    store.setRunStatus(run.id, 'done', { backend: `${result.summary.backend.backend} · ${engineText(result.summary.kernels, result.summary.engine)}`, summary: result.summary });
    return result.summary;
  } catch (err) {
    const cancelled = ctx.signal.aborted || err instanceof CancelledError;
    store.setRunStatus(run.id, cancelled ? 'cancelled' : 'failed', { error: cancelled ? 'Cancelled: start it again with resume to continue' : errorMessage(err) });
    throw err;
  } finally {
    store.close();
  }
}

async function storePredictions(store: ProjectStore, runId: number, runDir: string, known: Map<string, number>): Promise<void> {
  const byKey = store.clipIdsByKey();
  // One pass over every split: the file read and the model loaded once, not once per split.
  const { labels, predictions } = await predictRunSplits(runDir);
  // Indices are in the model's label order; the store knows classes by id. The run keeps its own
  // label list, so that its views read as it trained after its classes are renamed or merged.
  const classId = store.classes.idsForLabels(labels, known);
  store.putRunLabels(runId, labels, classId);
  const rows: PredictionRecord[] = [];
  for (const pr of predictions) {
    const clipId = byKey.get(pr.key);
    if (clipId === undefined) continue;
    rows.push({ clipId, split: pr.split, trueClassId: classId[pr.label], predClassId: classId[pr.predicted], confidence: pr.confidence, probs: pr.probabilities });
  }
  if (rows.length === 0) throw new StudioError('no_predictions', 'The trained model matched no clip of the project');
  store.putPredictions(runId, rows);
}
