import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { TrainingSettings } from '../../api/runs';
import { clipDatasetName } from '../dataset/clip-name';
import { readClipFrames } from '../dataset/sequence-file-reader';
import { StudioError } from '../errors';
import { extractProject } from '../extraction/extract-project';
import { predictRecords, predictVideo } from '../inference/predict-video';
import type { JobContext } from '../jobs/job-context';
import { ProgressMeter } from '../jobs/progress-meter';
import { importVideoFolder, ProjectStore, projectFiles } from '../project';
import { probePendingClips } from '../project/probe-clips';
import { writeRunReport } from '../report/run-report';
import { trainProject } from '../runs/train-project';
import { DEMO_SIGNS } from './demo-signs';
import { generateDemoClip, generateDemoDataset, trueHands, type DemoClip } from './generate-demo-dataset';
import { renderDemoVideos } from './render-demo-videos';
import { compareWithTruth, type ClipComparison, type LandmarkAccuracy } from './landmark-accuracy';
import { demoExtractionSettings, writeDemoHdf5 } from './write-demo-hdf5';

export interface DemoRunOptions {
  out: string;
  classes?: number;
  clipsPerClass?: number;
  seed?: number;
  /** Training overrides (the reference defaults otherwise). */
  training?: Partial<TrainingSettings>;
  /** Real clips (one sub-folder per class) instead of the synthetic signs: extraction runs on them. */
  videos?: string;
  /**
   * Synthetic signs only: write the generator's keypoints straight into the keypoints file instead
   * of extracting them from the rendered videos (fast; for tests that do not need extraction).
   */
  keypointsOnly?: boolean;
  /** Frames per synthetic clip, inclusive range (the generator's default otherwise). */
  framesPerClip?: readonly [number, number];
  /** The clip worker entry of the extraction pool (needed unless keypointsOnly). */
  clipWorkerScript?: string;
  /** The demo render worker entry: the videos are drawn in one process per core (in this thread without it). */
  renderWorkerScript?: string;
  /** Each stage reports through its own context (a progress bar each in the CLI). */
  stage: (name: string, unit: string) => JobContext;
}

export interface DemoRunSummary {
  out: string;
  projectDir: string;
  videosRoot: string;
  runDir: string;
  modelDir: string;
  reportPath: string;
  clips: number;
  classes: string[];
  testAccuracy: number;
  testMacroF1: number;
  epochs: number;
  heldOut: { clip: string; trueClass: string; predicted: string; confidence: number };
  /** Synthetic signs extracted from their videos: the landmarks found against the generator's truth. */
  landmarks?: LandmarkAccuracy;
  /** How the keypoints were made. */
  keypoints: 'extracted' | 'generated';
  seconds: number;
}

const MARKER = '.gstudio-demo';

/**
 * The quick start's size: 6 signs × 30 clips of 28-40 frames (about 6,000 frames through the hand
 * pipeline). The reference keeps the middle 30 frames of a clip, so longer clips would only cost
 * extraction time.
 */
export const DEMO_CLIPS_PER_CLASS = 30;
export const DEMO_FRAMES_PER_CLIP: readonly [number, number] = [28, 40];

/**
 * The demo trains a GRU (hidden 128, two layers: the reference LSTM's shape) with a higher learning
 * rate (3e-3), less dropout (0.1) and more patience (learning rate halved after 15 epochs without
 * progress, stop after 30, at most 120) than the notebook's defaults (with lr 1e-3, dropout 0.3 and
 * plateau patience 5 the rate decayed within 40 epochs and the model stopped undertrained). A GRU,
 * not the LSTM: on the keypoints extracted from the default 180 videos, same split, five seeds, the
 * GRU's test macro F1 was 0.90-0.97 (mean 0.946), the LSTM's 0.82-0.97 (mean 0.894; README, quick start).
 */
export const DEMO_TRAINING: Partial<TrainingSettings> = { model: 'gru', lr: 3e-3, dropout: 0.1, epochs: 120, patience: 30, lrPatience: 15 };

/** The demo folder is ours to replace; anything else that is not empty is left alone. */
function prepareOut(out: string): void {
  if (existsSync(out) && readdirSync(out).length > 0) {
    if (!existsSync(join(out, MARKER))) throw new StudioError('invalid_input', `${out} exists and is not a demo folder: choose another --out`);
    rmSync(out, { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, MARKER), 'Made by "gstudio demo"; running the demo again replaces this folder.\n');
}

/**
 * The studio's main job end to end on built-in data: signs -> videos -> project -> keypoints ->
 * GRU -> evaluation -> HTML report -> a prediction for a clip the model never saw.
 */
export async function runDemo(o: DemoRunOptions): Promise<DemoRunSummary> {
  const started = Date.now();
  const out = resolve(o.out);
  prepareOut(out);
  const projectDir = join(out, 'project');
  let videosRoot: string;
  let heldOutInput: { clip: string; trueClass: string; records?: Parameters<typeof predictRecords>[1]; video?: string };
  let landmarks: LandmarkAccuracy | undefined;
  const extract = async (settings?: ReturnType<typeof demoExtractionSettings>) => {
    if (!o.clipWorkerScript) throw new StudioError('invalid_input', 'Extraction needs the clip worker entry');
    // Recorded in the project, as the studio records the settings of an extraction it starts.
    if (settings) store.setSetting('extraction', settings);
    const summary = await extractProject({ projectDir, ...(settings ? { settings } : {}) }, o.stage('Extracting keypoints', 'clips'), o.clipWorkerScript);
    if (summary.extracted + summary.skipped === 0) throw new StudioError('no_keypoints', 'No clip could be extracted: see the failed clips with "gstudio extract"');
  };

  const store = ProjectStore.create(projectDir, o.videos ? 'Demo on your clips' : 'Gesture Studio demo');
  try {
    if (!o.videos) {
      const classes = o.classes ?? 6;
      const clipsPerClass = o.clipsPerClass ?? DEMO_CLIPS_PER_CLASS;
      const generator = { seed: o.seed, classes, clipsPerClass, framesPerClip: o.framesPerClip ?? DEMO_FRAMES_PER_CLIP };
      const clips = generateDemoDataset(generator);
      // A clip of the same signs made past the dataset's numbering: never trained, validated or tested on.
      const sign = DEMO_SIGNS[(o.seed ?? 7) % classes];
      const held = generateDemoClip(sign, clipsPerClass + 17, generator);
      videosRoot = join(out, 'videos');
      const render = o.stage('Rendering videos', 'clips');
      // Through a meter, so that the rate and time left are shown as for every other stage.
      let meter: ProgressMeter | undefined;
      await renderDemoVideos(o.keypointsOnly ? clips : [...clips, held], videosRoot, {
        signal: render.signal,
        // One render process per core, at most 8: each holds its own runtime and canvases, and drives an ffmpeg.
        ...(o.renderWorkerScript ? { workerScript: o.renderWorkerScript, concurrency: Math.min(availableParallelism(), 8) } : {}),
        onProgress: (p) => {
          meter ??= new ProgressMeter(p.total, render.progress, 250);
          meter.done = p.done;
          meter.report(undefined, p.done === 0 || p.done >= p.total);
        },
        // The held-out clip is rendered beside the videos root, not into a class folder of it.
        pathFor: (c) => (c === held ? join(out, 'held-out', held.relativePath.split('/')[1]) : undefined),
      });
      await importVideoFolder(store, videosRoot);
      await probePendingClips(projectDir, o.stage('Probing clips', 'clips'));
      if (o.keypointsOnly) {
        heldOutInput = { clip: `${held.relativePath} (held out)`, trueClass: held.className, records: held.frames };
        await writeGeneratedKeypoints(store, projectDir, clips, o.stage('Writing keypoints', 'clips'));
      } else {
        heldOutInput = { clip: `${held.relativePath} (held out)`, trueClass: held.className, video: join(out, 'held-out', held.relativePath.split('/')[1]) };
        // The whole frame (the signer fills it), the lite models (see demoExtractionSettings).
        await extract(demoExtractionSettings());
        landmarks = await extractedAgainstTruth(projectFiles(projectDir).keypoints, clips);
      }
    } else {
      videosRoot = resolve(o.videos);
      await importVideoFolder(store, videosRoot);
      await probePendingClips(projectDir, o.stage('Probing clips', 'clips'));
      await extract();
      heldOutInput = { clip: '', trueClass: '' };
    }

    const settings = TrainingSettings.parse({ ...DEMO_TRAINING, ...o.training });
    const runDir = join(projectFiles(projectDir).runs, `001-${settings.model}-demo`);
    const runId = store.createRun(`run 1 · ${settings.model}`, settings.model, settings, runDir);
    const trainSummary = await trainProject({ projectDir, runId, settings }, o.stage('Training', 'batches'));

    const reportPath = join(out, 'report.html');
    await writeRunReport(runDir, reportPath);

    let heldOut: DemoRunSummary['heldOut'];
    if (heldOutInput.records) {
      const p = await predictRecords(runDir, heldOutInput.records);
      heldOut = { clip: heldOutInput.clip, trueClass: heldOutInput.trueClass, predicted: p.label, confidence: p.confidence };
    } else if (heldOutInput.video) {
      // As a user predicts a new video: extraction of that file, then the model.
      const p = await predictVideo(runDir, heldOutInput.video);
      heldOut = { clip: heldOutInput.clip, trueClass: heldOutInput.trueClass, predicted: p.label, confidence: p.confidence };
    } else {
      // Real clips: one test clip, from its video, as a new video would be classified.
      const test = store.predictions(runId).find((p) => p.split === 'test');
      if (!test) throw new StudioError('no_test', 'The run has no test clips to predict');
      const clip = store.getClip(test.clipId);
      const p = await predictVideo(runDir, join(videosRoot, clip.relPath));
      heldOut = { clip: `${clip.relPath} (test split)`, trueClass: clip.className, predicted: p.label, confidence: p.confidence };
    }
    return {
      out,
      projectDir,
      videosRoot,
      runDir,
      modelDir: join(runDir, 'model'),
      reportPath,
      clips: store.summary().totals.clips,
      classes: store.classNames(),
      testAccuracy: trainSummary.test.accuracy,
      testMacroF1: trainSummary.test.macro_f1,
      epochs: trainSummary.epochsRun,
      heldOut,
      landmarks,
      keypoints: o.keypointsOnly && !o.videos ? 'generated' : 'extracted',
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    store.close();
  }
}

/** The fast path: the generator's keypoints go straight into the file, as extraction would have written them. */
async function writeGeneratedKeypoints(store: ProjectStore, projectDir: string, clips: DemoClip[], ctx: JobContext): Promise<void> {
  await writeDemoHdf5(clips, projectFiles(projectDir).keypoints, { onProgress: (done, total) => ctx.progress({ done, total }) });
  store.setSetting('extraction', demoExtractionSettings());
  const ids = new Map(store.listClips({ limit: 1_000_000 }).items.map((c) => [c.relPath, c.id]));
  store.db.transaction(() => {
    for (const c of clips) {
      const id = ids.get(c.relativePath);
      if (id !== undefined) store.setExtractResult(id, { h5Key: clipDatasetName(c.relativePath), handsFraction: c.frames.filter((f) => f.hands.length > 0).length / c.frames.length });
    }
  })();
}

/** The landmarks extraction found in the demo's videos against the generator's truth (clips that failed count as found nowhere). */
export async function extractedAgainstTruth(keypointsPath: string, clips: readonly DemoClip[]): Promise<LandmarkAccuracy> {
  const compared: ClipComparison[] = [];
  for (const clip of clips) {
    const found = (await readClipFrames(keypointsPath, clipDatasetName(clip.relativePath))) ?? [];
    compared.push({ truth: clip.scene.map((_, i) => trueHands(clip, i)), found, width: clip.width, height: clip.height });
  }
  return compareWithTruth(compared);
}
