import type { JobContext } from '../jobs/job-context';
import { ProgressMeter } from '../jobs/progress-meter';
import { errorMessage, StudioError } from '../errors';
import { INPUT_SIZE } from '../keypoints/frame-record';
import type { ClipExtraction } from '../keypoints/extract-clip';
import { frameFeatures } from '../keypoints/frame-features';
import { shapeSequence } from '../keypoints/sequence';
import { ClipPool } from './clip-pool';
import { clipsWithoutHands } from './clips-without-hands';
import { writeFailure } from './write-failure';
import type { ExtractionSummary } from '../../api/extraction';
import { workerCount, type ExtractionSettings } from './extraction-settings';
import { openExtractionFile } from './open-extraction-file';

export interface ExtractionClip {
  /** The caller's id (the project store's clip id, or an index). */
  id: number;
  /** Path relative to the videos root: the stable key of the clip in the HDF5 file. */
  relPath: string;
  absPath: string;
  className: string;
  /** Frames the probe counted, when known: the work the progress measures. */
  frameCount?: number | null;
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


export type { ExtractionSummary };

export interface ExtractionRequest {
  clips: ExtractionClip[];
  outFile: string;
  settings: ExtractionSettings;
  /** Every class of the dataset: the label map is their sorted order (PIPELINE.md §1). */
  classes: string[];
  /** Extract again clips that the file already has. */
  redo?: boolean;
  /**
   * This run extracts every clip of the dataset: if the settings differ from those the file was
   * extracted with, the file is started afresh (`onSettingsChanged` first). Without it, other settings
   * than the file's are refused: one file never mixes sequences made in different ways.
   */
  replaceAll?: boolean;
  onSettingsChanged?: (differences: string[]) => void;
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
  const { writer, changed } = await openExtractionFile(req);
  if (changed.length > 0) req.onSettingsChanged?.(changed);
  const todo = req.redo ? req.clips : req.clips.filter((c) => !writer.hasClip(c.relPath));
  const skipped = req.clips.length - todo.length;
  const skippedNames = new Map<string, string>();
  if (skipped > 0) {
    const doing = new Set(todo);
    for (const clip of req.clips) {
      if (doing.has(clip)) continue;
      skippedNames.set(writer.nameFor(clip.relPath), clip.relPath);
      req.onClip?.({ clip, name: writer.nameFor(clip.relPath), skipped: true });
    }
  }
  // The meter counts; `report` is what reaches the UI (with frames/s and the clips in flight).
  const meter = new ProgressMeter(req.clips.length, () => undefined, 0, skipped);
  const started = Date.now();
  // Clips a worker is on (queued ones are not listed: with thousands of clips the list would be long).
  const inFlight = new Map<number, { name: string; done: number; total: number | null }>();
  const byId = new Map(todo.map((c) => [c.id, c]));
  const noHandsClips: string[] = [];
  let frames = 0;
  let extracted = 0;
  let regionsUsed: string | undefined;
  // The work is frames: those of this run's finished clips plus those in flight, out of the frames
  // of every clip to do (the probe's count; a clip without one counts as the mean of the others).
  const known = todo.map((c) => c.frameCount ?? 0).filter((n) => n > 0);
  const meanFrames = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 0;
  let workDone = 0;
  const report = (message?: string) => {
    // Monotone: a finished clip leaves the in-flight list a moment before its frames are counted.
    const decoded = (workDone = Math.max(workDone, frames + [...inFlight.values()].reduce((a, c) => a + c.done, 0)));
    const mean = meanFrames || (extracted > 0 ? frames / extracted : [...inFlight.values()].find((c) => c.total)?.total ?? 0);
    const expected = todo.reduce((a, c) => a + (c.frameCount || mean), 0);
    const work = expected > 0 ? { done: Math.min(decoded, expected), total: expected, unit: 'frames' } : undefined;
    const p = meter.snapshot(message ?? (regionsUsed ? `Regions: ${regionsUsed}` : undefined), work);
    ctx.progress({ ...p, framesPerSecond: p.workRate ?? 0, current: [...inFlight.values()] });
  };
  report('Loading models');
  if (todo.length === 0) {
    await writer.close();
    noHandsClips.push(...(await clipsWithoutHands(req.outFile, skippedNames)));
    return { total: req.clips.length, extracted: 0, skipped, failed: 0, noHands: noHandsClips.length, noHandsClips, frames: 0, seconds: 0, framesPerSecond: 0, outFile: req.outFile };
  }

  const pool = new ClipPool(req.workerScript, settings, workerCount(settings, todo.length), {
    onStart: (id) => {
      inFlight.set(id, { name: byId.get(id)?.relPath ?? String(id), done: 0, total: null });
      throttled();
    },
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
  // An error that is not the clip's (the file cannot be written: disk full...) stops the run; the
  // clips it did not reach stay as they were, not failed.
  let fatal: unknown = null;
  const stopped = () => ctx.signal.aborted || fatal !== null;
  try {
    await pool.ready();
    // Said as the run starts, not only at its end: what the regions are made with.
    regionsUsed = settings.detector === 'none' ? 'the whole frame (no person detector chosen)' : pool.detectorWarning ? `the whole frame: ${pool.detectorWarning}` : 'YOLOX-nano person boxes';
    report(`Regions: ${regionsUsed}`);
    await Promise.all(
      todo.map(async (clip) => {
        let result: ClipExtraction;
        try {
          result = await pool.extract({ id: clip.id, path: clip.absPath });
        } catch (err) {
          inFlight.delete(clip.id);
          if (stopped()) return;
          req.onClip?.({ clip, error: errorMessage(err) });
          meter.tick(clip.relPath, { failed: true });
          throttled();
          return;
        }
        inFlight.delete(clip.id);
        if (stopped()) return;
        if (result.frames.length === 0) {
          // PIPELINE.md §3: a clip from which no frame could be read is skipped, and reported.
          req.onClip?.({ clip, error: 'No frame could be read from this clip' });
          meter.tick(clip.relPath, { failed: true });
          throttled();
          return;
        }
        const sequence = shapeSequence(result.frames.map((f) => frameFeatures(f)), settings.frames, settings.sequenceMode);
        let name: string;
        try {
          name = await writer.putClip({
            relativePath: clip.relPath,
            className: clip.className,
            sequence,
            shape: [settings.frames, INPUT_SIZE],
            frames: result.frames,
            regions: settings.detector === 'none' || pool.detectorWarning ? 'whole frame' : 'person boxes',
          });
        } catch (err) {
          fatal ??= writeFailure(err, req.outFile, writer.pendingClips.length);
          pool.close();
          return;
        }
        frames += result.frames.length;
        extracted++;
        if (result.stats.framesWithHands === 0) noHandsClips.push(clip.relPath);
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
    try {
      await writer.close();
    } catch (err) {
      fatal ??= writeFailure(err, req.outFile, writer.pendingClips.length);
    }
  }
  if (fatal !== null) throw fatal;
  if (ctx.signal.aborted) throw new StudioError('cancelled', 'Cancelled');
  // Clips an earlier, interrupted run finished are named too.
  noHandsClips.push(...(await clipsWithoutHands(req.outFile, skippedNames)));
  report('Done');
  const seconds = (Date.now() - started) / 1000;
  return {
    total: req.clips.length,
    extracted,
    skipped,
    failed: meter.failed,
    noHands: noHandsClips.length,
    noHandsClips,
    frames,
    seconds,
    framesPerSecond: seconds > 0 ? frames / seconds : 0,
    outFile: req.outFile,
    ...(changed.length > 0 ? { settingsChanged: changed } : {}),
    ...(pool.detectorWarning ? { detectorWarning: pool.detectorWarning } : {}),
    ...(regionsUsed ? { regionsUsed } : {}),
  };
}
