import type { JobContext } from '../jobs/job-context';
import { ProgressMeter } from '../jobs/progress-meter';
import { openWriter } from '../dataset';
import { errorMessage, StudioError } from '../errors';
import { INPUT_SIZE } from '../keypoints/frame-record';
import type { ClipExtraction } from '../keypoints/extract-clip';
import { frameFeatures } from '../keypoints/frame-features';
import { shapeSequence } from '../keypoints/sequence';
import { ClipPool } from './clip-pool';
import { labelMapFor, recordedSettings, workerCount, type ExtractionSettings } from './extraction-settings';

export interface ExtractionClip {
  /** The caller's id (the project store's clip id, or an index). */
  id: number;
  /** Path relative to the videos root: the stable key of the clip in the HDF5 file. */
  relPath: string;
  absPath: string;
  className: string;
}

export interface ClipOutcome {
  clip: ExtractionClip;
  name?: string;
  /** Already in the file from an earlier, interrupted run. */
  skipped?: boolean;
  frames?: number;
  framesWithHands?: number;
  error?: string;
}

export interface ExtractionSummary {
  total: number;
  extracted: number;
  skipped: number;
  failed: number;
  frames: number;
  seconds: number;
  framesPerSecond: number;
  outFile: string;
  detectorWarning?: string;
}

export interface ExtractionRequest {
  clips: ExtractionClip[];
  outFile: string;
  settings: ExtractionSettings;
  /** Every class of the dataset: the label map is their sorted order (PIPELINE.md §1). */
  classes: string[];
  /** Extract again clips that the file already has. */
  redo?: boolean;
  /** The clip worker entry to fork. */
  workerScript: string;
  onClip?: (outcome: ClipOutcome) => void;
}

/**
 * Clips -> keypoint sequences in the HDF5 file, by a pool of worker processes. Every finished clip
 * is journaled at once, so a crash or cancel loses only the clips in flight and a rerun skips the
 * rest; a failed clip is reported with its reason and the others go on.
 */
export async function runExtraction(req: ExtractionRequest, ctx: JobContext): Promise<ExtractionSummary> {
  const { settings } = req;
  const labelMap = labelMapFor(req.classes);
  const writer = await openWriter(req.outFile, { labelMap, extraction: recordedSettings(settings, INPUT_SIZE), flushEvery: 200 });
  const todo = req.redo ? req.clips : req.clips.filter((c) => !writer.hasClip(c.relPath));
  const skipped = req.clips.length - todo.length;
  if (skipped > 0) for (const clip of req.clips) if (!todo.includes(clip)) req.onClip?.({ clip, name: writer.nameFor(clip.relPath), skipped: true });
  // The meter counts; `report` is what reaches the UI (with frames/s and the clips in flight).
  const meter = new ProgressMeter(req.clips.length, () => undefined, 0, skipped);
  const started = Date.now();
  const inFlight = new Map<number, { name: string; done: number; total: number | null }>();
  let frames = 0;
  const report = (message?: string) => {
    const seconds = (Date.now() - started) / 1000;
    const decoded = frames + [...inFlight.values()].reduce((a, c) => a + c.done, 0);
    ctx.progress({ ...meter.snapshot(message), framesPerSecond: seconds > 0 ? decoded / seconds : 0, current: [...inFlight.values()] });
  };
  report('Loading models');
  if (todo.length === 0) {
    await writer.close();
    return { total: req.clips.length, extracted: 0, skipped, failed: 0, frames: 0, seconds: 0, framesPerSecond: 0, outFile: req.outFile };
  }

  const pool = new ClipPool(req.workerScript, settings, workerCount(settings, todo.length), {
    onFrames: (id, done, total) => {
      const c = inFlight.get(id);
      if (c) Object.assign(c, { done, total });
      throttled();
    },
  });
  let lastReport = 0;
  const throttled = () => {
    if (Date.now() - lastReport > 250) {
      lastReport = Date.now();
      report();
    }
  };
  const abort = () => pool.close();
  ctx.signal.addEventListener('abort', abort);
  let extracted = 0;
  try {
    await pool.ready();
    await Promise.all(
      todo.map(async (clip) => {
        let result: ClipExtraction;
        try {
          const pending = pool.extract({ id: clip.id, path: clip.absPath });
          inFlight.set(clip.id, { name: clip.relPath, done: 0, total: null });
          result = await pending;
        } catch (err) {
          inFlight.delete(clip.id);
          if (ctx.signal.aborted) return;
          req.onClip?.({ clip, error: errorMessage(err) });
          meter.tick(clip.relPath, { failed: true });
          throttled();
          return;
        }
        inFlight.delete(clip.id);
        if (ctx.signal.aborted) return;
        if (result.frames.length === 0) {
          // PIPELINE.md §3: a clip from which no frame could be read is skipped, and reported.
          req.onClip?.({ clip, error: 'No frame could be read from this clip' });
          meter.tick(clip.relPath, { failed: true });
          throttled();
          return;
        }
        const sequence = shapeSequence(result.frames.map((f) => frameFeatures(f)), settings.frames, settings.sequenceMode);
        const name = await writer.putClip({
          relativePath: clip.relPath,
          className: clip.className,
          sequence,
          shape: [settings.frames, INPUT_SIZE],
          frames: result.frames,
        });
        frames += result.frames.length;
        extracted++;
        req.onClip?.({ clip, name, frames: result.frames.length, framesWithHands: result.stats.framesWithHands });
        meter.tick(clip.relPath);
        throttled();
      }),
    );
  } catch (err) {
    if (!ctx.signal.aborted) throw err;
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    pool.close();
    // Whatever finished is kept: merged into the file now, or on the next run from the journal.
    await writer.close();
  }
  if (ctx.signal.aborted) throw new StudioError('cancelled', 'Cancelled');
  report('Done');
  const seconds = (Date.now() - started) / 1000;
  return {
    total: req.clips.length,
    extracted,
    skipped,
    failed: meter.failed,
    frames,
    seconds,
    framesPerSecond: seconds > 0 ? frames / seconds : 0,
    outFile: req.outFile,
    ...(pool.detectorWarning ? { detectorWarning: pool.detectorWarning } : {}),
  };
}
