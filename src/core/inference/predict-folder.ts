import { join } from 'node:path';
import type { FolderClipResult, FolderSummary } from '../../api/folder-predictions';
import { CancelledError, errorMessage, StudioError } from '../errors';
import { ClipPool } from '../extraction/clip-pool';
import { ExtractionSettings, workerCount } from '../extraction/extraction-settings';
import type { JobContext } from '../jobs/job-context';
import { ProgressMeter } from '../jobs/progress-meter';
import type { ClipExtraction } from '../keypoints/extract-clip';
import type { FrameRecord } from '../keypoints/frame-record';
import type { ModelMetadata } from '../models/model-files';
import { whyUnclassifiable } from './classifiable';
import type { FolderClip, FolderScan } from './folder-clips';
import { summariseFolder } from './folder-summary';
import { extractionFromModel } from './predict-video';
import { RunClassifier } from './run-classifier';

/** What a predicted clip's viewer needs besides its result: the frames' keypoints and the model's window. */
export interface FolderClipDetail {
  records: FrameRecord[];
  window: number[];
  fps: number;
}

export interface PredictFolderOptions {
  /** The clip worker entry of the extraction pool. */
  workerScript: string;
  /** Clip workers; default one per core (at most one per clip). */
  workers?: number;
  /** Each clip as it finishes, in the order they finish (detail only for a predicted clip). */
  onClip?: (result: FolderClipResult, detail: FolderClipDetail | null) => void;
}

export interface FolderPredictionRun {
  /** Every clip, in the folder's order. */
  results: FolderClipResult[];
  summary: FolderSummary;
  labels: string[];
  engine: 'onnxruntime' | 'tfjs';
  /** What the regions were made with, said as extraction says it. */
  regionsUsed: string;
  frames: number;
  seconds: number;
}

/** The extraction settings a pool needs to extract clips exactly as the model's training data was. */
export function extractionSettingsFor(meta: ModelMetadata, workers = 0): ExtractionSettings {
  const ex = extractionFromModel(meta);
  const p = ex.pipeline;
  return ExtractionSettings.parse({
    frames: ex.numFrames,
    sequenceMode: ex.mode,
    model: p.model,
    detector: p.detector,
    personConfidence: p.personConfidence,
    maxHands: p.maxHands,
    minDetectionConfidence: p.minDetectionConfidence,
    minTrackingConfidence: p.minTrackingConfidence,
    tracking: p.tracking,
    personInterval: p.personInterval,
    maxSide: ex.maxSide,
    workers,
  });
}

const statusOf = (err: unknown): FolderClipResult['status'] => (err instanceof StudioError && err.code === 'unreadable_video' ? 'unreadable' : 'failed');

/**
 * Every clip of a scanned folder through one run (PIPELINE.md §9 per clip): the extraction pool's
 * workers load the hand models once and take the clips one after another, the model is loaded once
 * here. Each clip's answer, or the reason it has none (unreadable, too short, no hands, a worker
 * that died), is handed to `onClip` as it finishes and the rest go on. Cancelling stops the workers
 * and throws CancelledError once the finished clips have been handed over.
 */
export async function predictFolder(runOrModelDir: string, scan: FolderScan, ctx: JobContext, options: PredictFolderOptions): Promise<FolderPredictionRun> {
  const started = Date.now();
  const classifier = await RunClassifier.open(runOrModelDir);
  try {
    const { meta } = classifier;
    const seqLen = meta.inputShape[0];
    const settings = extractionSettingsFor(meta, options.workers);
    const results: FolderClipResult[] = [];
    const meter = new ProgressMeter(scan.clips.length, () => undefined, 0);
    const inFlight = new Map<number, { name: string; done: number; total: number | null }>();
    const byIndex = new Map(scan.clips.map((c) => [c.index, c]));
    let frames = 0;
    let decodedClips = 0;
    let workDone = 0;
    let regionsUsed = '';
    // The work is frames, as in extraction: a clip's count is known once a worker opens it; clips
    // not started yet count as the mean so far.
    const report = (message?: string) => {
      const inFlightDone = [...inFlight.values()].reduce((a, c) => a + c.done, 0);
      workDone = Math.max(workDone, frames + inFlightDone);
      const mean = decodedClips > 0 ? frames / decodedClips : ([...inFlight.values()].find((c) => c.total)?.total ?? 0);
      const waiting = scan.clips.length - results.length - inFlight.size;
      const expected = frames + [...inFlight.values()].reduce((a, c) => a + Math.max(c.done, c.total ?? mean), 0) + waiting * mean;
      const work = expected > 0 ? { done: Math.min(workDone, expected), total: expected, unit: 'frames' } : undefined;
      const p = meter.snapshot(message ?? (regionsUsed ? `Regions: ${regionsUsed}` : undefined), work);
      ctx.progress({ ...p, framesPerSecond: p.workRate ?? 0, current: [...inFlight.values()] });
    };
    let lastReport = 0;
    const throttled = (force = false) => {
      if (force || Date.now() - lastReport > 250) {
        lastReport = Date.now();
        report();
      }
    };
    const record = (result: FolderClipResult, detail: FolderClipDetail | null) => {
      results.push(result);
      meter.tick(result.file, { failed: result.status !== 'ok' });
      options.onClip?.(result, detail);
      throttled(results.length === scan.clips.length);
    };
    report('Loading models');

    const pool = new ClipPool(options.workerScript, settings, workerCount(settings, scan.clips.length), {
      onStart: (id) => {
        inFlight.set(id, { name: byIndex.get(id)?.relPath ?? String(id), done: 0, total: null });
        throttled();
      },
      onFrames: (id, done, total) => {
        const c = inFlight.get(id);
        if (c) Object.assign(c, { done, total });
        throttled();
      },
    });
    const abort = () => pool.close();
    ctx.signal.addEventListener('abort', abort);
    // One clip is classified at a time: the model (or its ONNX session) is shared.
    let classifying: Promise<unknown> = Promise.resolve();
    const classifyInTurn = (records: FrameRecord[]) => {
      const next = classifying.then(() => classifier.classify(records));
      classifying = next.catch(() => undefined);
      return next;
    };
    const one = async (clip: FolderClip) => {
      const base = { index: clip.index, file: clip.relPath, trueClass: clip.trueClass };
      const failed = (status: FolderClipResult['status'], reason: string, extraction?: ClipExtraction) =>
        record({ ...base, status, reason, predicted: null, confidence: null, top: [], frames: extraction?.frames.length ?? null, framesWithHands: extraction?.stats.framesWithHands ?? null }, null);
      let extraction: ClipExtraction;
      try {
        extraction = await pool.extract({ id: clip.index, path: join(scan.root, clip.relPath) });
      } catch (err) {
        inFlight.delete(clip.index);
        if (!ctx.signal.aborted) failed(statusOf(err), errorMessage(err));
        return;
      }
      inFlight.delete(clip.index);
      if (ctx.signal.aborted) return;
      frames += extraction.frames.length;
      if (extraction.frames.length > 0) decodedClips++;
      const why = whyUnclassifiable(extraction.frames, seqLen);
      if (why) return failed(why.code, why.reason, extraction);
      try {
        const c = await classifyInTurn(extraction.frames);
        record(
          { ...base, status: 'ok', reason: null, predicted: c.label, confidence: c.confidence, top: c.top, frames: c.frames, framesWithHands: c.frames_with_hands },
          { records: extraction.frames, window: c.window, fps: extraction.fps },
        );
      } catch (err) {
        failed('failed', `the model could not classify it: ${errorMessage(err)}`, extraction);
      }
    };
    try {
      if (ctx.signal.aborted) throw new CancelledError();
      await pool.ready();
      regionsUsed = settings.detector === 'none' ? 'the whole frame (as the model was trained)' : pool.detectorWarning ? `the whole frame: ${pool.detectorWarning}` : 'YOLOX-nano person boxes';
      report();
      await Promise.all(scan.clips.map(one));
    } catch (err) {
      if (!ctx.signal.aborted) throw err;
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      pool.close();
    }
    if (ctx.signal.aborted) throw new CancelledError();
    report('Done');
    results.sort((a, b) => a.index - b.index);
    return { results, summary: summariseFolder(results, meta.labels), labels: meta.labels, engine: classifier.engine, regionsUsed, frames, seconds: (Date.now() - started) / 1000 };
  } finally {
    await classifier.dispose();
  }
}
