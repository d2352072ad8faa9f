import { userInfo } from 'node:os';
import type { z } from 'zod';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ExtractionSettings,
  isMethodName,
  parseFolderClipId,
  TrainingSettings,
  methods,
  type CallOutcome,
  type ExtractionStatus,
  type JobInfo,
  type JobKind,
  type MethodName,
  type Methods,
  type Result,
  type StudioEvent,
} from '../../api';
import { StudioError, errorMessage } from '../errors';
import { JobRunner, WorkerLedger, type Spawner } from '../jobs';
import { importVideoFolder, ProjectStore, projectFiles, relinkVideoRoot } from '../project';
import { mergeInProject, projectNotices, unmergedParts } from './sharded-extraction';
import { saveCapture } from '../capture/save-capture';
import { LivePredictor } from '../inference/live-predict';
import { exportRun } from '../runs/run-exports';
import { folderClipMedia, getFolderClipPrediction, markInterruptedFolderPredictions } from '../inference/folder-prediction-store';
import { getPrediction, listPredictions, newPrediction, predictionVideo as predictVideoPath } from '../inference/project-predictions';
import { folderPredictionHandlers, recordFolderPredictionEnd } from './folder-prediction-handlers';
import { runDetail, runEvaluation, runInfo } from '../runs/run-views';
import { journalDirFor } from '../dataset/clip-journal';
import { readRecordedExtraction } from '../dataset/sequence-file-reader';
import { recoverProjectKeypoints } from '../extraction/recover-keypoints';
import { auditHandlers } from './audit-handlers';
import { classHandlers } from './class-handlers';
import { clipKeypoints } from './clip-keypoints';
import { clipThumbnail } from './clip-thumbnail';
import { resolveClipMedia, type MediaFile } from './media-file';
import { checkPredictionSource, takeUpload } from './prediction-input';
import { chooseBinary } from '../video/binaries';
import { recordRunEnd } from './run-end';
import { regionsPlan } from './regions-plan';
import { runHandlers } from './runs-handlers';

/** What a transport brings: how jobs are started, and the native abilities it has. */
export interface ServiceHost {
  mode: 'electron' | 'web';
  version: string;
  spawner: Spawner;
  /** How long a cancelled job may take to stop before its process is killed (default 5 s). */
  cancelGraceMs?: number;
  pickFolder?: (title?: string) => Promise<string | null>;
}

type Handlers = { [M in MethodName]: (params: z.output<Methods[M]['params']>) => Promise<Result<M>> | Result<M> };

/**
 * The back end behind both transports: one open project, its jobs, and the API's handlers.
 * Transports hand raw messages to `call`, which validates them before anything runs.
 */
export class StudioService {
  readonly runner: JobRunner;
  private store: ProjectStore | null = null;
  private readonly listeners = new Set<(e: StudioEvent) => void>();
  private readonly author = safeUserName();
  /** A scan runs across many event-loop turns: one at a time. */
  private importing = false;
  /** Running jobs: the project they were started in and their parameters, to record their end. */
  private readonly jobRecords = new Map<string, { store: ProjectStore; params: { projectDir: string } & Record<string, unknown> }>();

  constructor(
    private readonly host: ServiceHost,
    options: { projectDir?: string } = {},
  ) {
    this.runner = new JobRunner(host.spawner, host.cancelGraceMs);
    this.runner.onUpdate((job) => this.onJob(job));
    if (options.projectDir) this.openProject(options.projectDir);
  }

  onEvent(listener: (e: StudioEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async call(method: unknown, rawParams: unknown): Promise<CallOutcome> {
    if (!isMethodName(method)) return { ok: false, error: { code: 'unknown_method', message: `Unknown call ${String(method).slice(0, 80)}` } };
    const parsed = methods[method].params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, error: { code: 'invalid_params', message: `Invalid ${method} request: ${issue?.path.join('.') || 'params'} ${issue?.message}` } };
    }
    try {
      const handler = this.handlers[method] as (p: unknown) => unknown;
      return { ok: true, result: (await handler(parsed.data)) ?? null };
    } catch (err) {
      if (err instanceof StudioError) return { ok: false, error: { code: err.code, message: err.message } };
      console.error(`[gstudio] ${method} failed:`, err);
      return { ok: false, error: { code: 'internal', message: `Internal error in ${method}: ${errorMessage(err)}` } };
    }
  }

  /** A small picture of a clip for lists. */
  clipThumbnail(clipId: number): Promise<MediaFile> {
    return clipThumbnail(this.requireStore(), clipId);
  }

  /** The video of a prediction made in the studio (inside the project's predictions/ folder). */
  predictionMedia(id: string): MediaFile {
    // A clip of a folder prediction (`<id>--<index>`) is served from the folder the user named.
    return parseFolderClipId(id) ? folderClipMedia(this.requireStore().dir, id) : predictVideoPath(this.requireStore().dir, id);
  }

  /** Web mode's upload: a new prediction folder holding the dropped video; returns its id. */
  async saveUpload(name: string, body: NodeJS.ReadableStream, maxBytes?: number): Promise<string> {
    return takeUpload(this.requireStore().dir, name, body, maxBytes);
  }

  /** The file to stream for a clip; throws a StudioError the transport maps to a status. */
  clipMedia(clipId: number): MediaFile {
    return resolveClipMedia(this.requireStore(), clipId);
  }

  close(): void {
    this.live.dispose();
    for (const job of this.runner.list()) this.runner.cancel(job.id);
    this.store?.close();
    this.store = null;
  }

  private readonly live = new LivePredictor();

  private readonly handlers: Handlers = {
    'app.info': () => ({ mode: this.host.mode, version: this.host.version, canPickFolder: Boolean(this.host.pickFolder), ffmpeg: ffmpegSummary() }),
    'dialog.pickFolder': async ({ title }) => (this.host.pickFolder ? this.host.pickFolder(title) : null),
    'project.create': ({ dir, name }) => {
      this.setStore(ProjectStore.create(dir, name));
      return this.requireStore().summary();
    },
    'project.open': ({ dir }) => this.openProject(dir),
    'project.summary': () => (this.store ? this.summaryWithNotices() : null),
    'project.relink': ({ videoRoot }) => {
      relinkVideoRoot(this.requireStore(), videoRoot);
      this.emit({ type: 'project', what: 'clips' });
      return this.summaryWithNotices();
    },
    'clips.import': async ({ videoRoot }) => {
      const store = this.requireStore();
      this.ensureIdle('probe');
      if (this.importing) throw new StudioError('busy', 'A folder is already being imported: wait for it to finish');
      this.importing = true;
      let report;
      try {
        report = await importVideoFolder(store, videoRoot);
      } finally {
        this.importing = false;
      }
      this.emit({ type: 'project', what: 'clips' });
      return { report, jobId: this.startProbe() };
    },
    'clips.probe': () => {
      this.ensureIdle('probe');
      return { jobId: this.startProbe() };
    },
    'clips.list': (filter) => this.requireStore().listClips(filter),
    'clips.get': ({ id }) => this.requireStore().getClip(id),
    'clips.position': ({ id, ...filter }) => ({ index: this.requireStore().clipPosition(id, filter) }),
    'clips.keypoints': async ({ id }) => {
      const store = this.requireStore();
      const clip = store.getClip(id);
      const key = store.clipDatasetKey(id);
      const file = projectFiles(store.dir).keypoints;
      // Done clips of a running (or crashed) extraction may still be in the file's journal only.
      if (clip.extractStatus !== 'done' || !key || !(existsSync(file) || existsSync(journalDirFor(file)))) return { frames: null, window: [] };
      return clipKeypoints(file, key, this.extractionStatus().settings);
    },
    'clips.relabel': ({ clipIds, classId }) => this.labelChange(this.requireStore().labels.relabel(clipIds, classId, this.author)),
    ...classHandlers(
      () => this.requireStore(),
      this.author,
      () => this.emit({ type: 'project', what: 'classes' }),
    ),
    'labels.undo': () => this.labelChange(this.requireStore().labels.undo()),
    'labels.redo': () => this.labelChange(this.requireStore().labels.redo()),
    'labels.history': ({ clipId }) => this.requireStore().labels.history(clipId),
    'extraction.status': async () => {
      const status = this.extractionStatus();
      // A damaged file has no settings to show; extraction says what to do about it.
      const recorded = status.fileExists ? await readRecordedExtraction(status.keypointsFile).catch(() => null) : null;
      return { ...status, recorded };
    },
    'extraction.start': ({ which, clipIds, settings }) => {
      const store = this.requireStore();
      this.ensureIdle('extract');
      if (this.runner.running('probe')) throw new StudioError('busy', 'Clips are still being probed: extraction can start when probing is done');
      if (which === 'selected' && !clipIds?.length) throw new StudioError('invalid_input', 'Select the clips to extract first');
      const merged = ExtractionSettings.parse({ ...this.extractionStatus().settings, ...settings });
      store.setSetting('extraction', merged);
      const params = { projectDir: store.dir, which: which === 'selected' ? 'all' : which, clipIds: which === 'selected' ? clipIds : undefined, settings: merged };
      return { jobId: this.startJob('extract', params) };
    },
    'extraction.merge': async ({ partial }) => {
      this.ensureIdle('extract');
      const summary = await mergeInProject(this.requireStore(), partial);
      this.emit({ type: 'project', what: 'clips' });
      return summary;
    },
    'training.defaults': () => this.trainingDefaults(),
    'training.start': async ({ settings, resumeRunId }) => {
      const store = this.requireStore();
      this.ensureIdle('train');
      if (this.runner.running('extract')) throw new StudioError('busy', 'Extraction is running: train when it is done, so that the run sees every clip');
      await recoverProjectKeypoints(store);
      if (!existsSync(projectFiles(store.dir).keypoints)) throw new StudioError('no_keypoints', 'No keypoints yet: run the extraction first (Extraction view)');
      let runId: number;
      let merged: TrainingSettings;
      if (resumeRunId !== undefined) {
        runId = resumeRunId;
        merged = TrainingSettings.parse(JSON.parse(store.run(runId).params));
      } else {
        merged = TrainingSettings.parse({ ...this.trainingDefaults(), ...settings });
        store.setSetting('training', merged);
        const n = store.runs().length + 1;
        const name = `run ${n} · ${merged.model}`;
        runId = store.createRun(name, merged.model, merged, join(projectFiles(store.dir).runs, `${String(n).padStart(3, '0')}-${merged.model}-${Date.now().toString(36)}`));
      }
      const jobId = this.startJob('train', { projectDir: store.dir, runId, settings: merged, resume: resumeRunId !== undefined });
      this.emit({ type: 'project', what: 'runs' });
      return { jobId, runId };
    },
    'runs.list': () => this.requireStore().runs().map(runInfo),
    ...runHandlers(
      () => this.requireStore(),
      () => {
        this.emit({ type: 'project', what: 'runs' });
        this.emit({ type: 'project', what: 'clips' });
      },
    ),
    'runs.get': ({ id }) => runDetail(this.requireStore(), id),
    'runs.evaluation': ({ id, split }) => runEvaluation(this.requireStore(), id, split),
    'runs.export': ({ id, what }) => exportRun(this.requireStore(), id, what),
    'predict.start': async ({ runId, video, uploadId }) => {
      const store = this.requireStore();
      this.ensureIdle('predict');
      if (store.run(runId).status !== 'done') throw new StudioError('invalid_input', 'Pick a run that finished training');
      let predictionId: string;
      let source: string | undefined;
      if (uploadId) {
        predictVideoPath(store.dir, uploadId);
        predictionId = uploadId;
      } else if (video) {
        await checkPredictionSource(video);
        source = video;
        this.ensureIdle('predict');
        predictionId = newPrediction(store.dir, video).id;
      } else throw new StudioError('invalid_input', 'Choose a video to classify');
      const jobId = this.startJob('predict', { projectDir: store.dir, runId, predictionId, source });
      return { jobId, predictionId };
    },
    'live.predict': async ({ runId, frames }) => {
      const run = this.requireStore().run(runId);
      if (run.status !== 'done') throw new StudioError('invalid_input', `${run.name} has not finished training: pick a finished run`);
      return this.live.predict(run.run_dir, frames);
    },
    'capture.save': async ({ uploadId, className }) => {
      const saved = await saveCapture(this.requireStore(), uploadId, className);
      this.emit({ type: 'project', what: 'clips' });
      return { ...saved, probeJobId: this.runner.running('probe') ? null : this.startProbe() };
    },
    'predict.list': () => listPredictions(this.requireStore().dir),
    'predict.get': ({ id }) => (parseFolderClipId(id) ? getFolderClipPrediction(this.requireStore().dir, id) : getPrediction(this.requireStore().dir, id)),
    ...folderPredictionHandlers({
      store: () => this.requireStore(),
      ensureIdle: (kind) => this.ensureIdle(kind),
      startJob: (kind, params) => this.startJob(kind, params),
      emit: (e) => this.emit(e),
    }),
    'jobs.list': () => this.runner.list(),
    'jobs.cancel': ({ id }) => ({ cancelled: this.runner.cancel(id) }),
    ...auditHandlers({
      store: () => this.requireStore(),
      author: this.author,
      running: (kind) => Boolean(this.runner.running(kind)),
      startJob: (kind, params) => this.startJob(kind, params),
      trainingDefaults: () => this.trainingDefaults(),
      emit: (e) => this.emit(e),
    }),
  };

  private openProject(dir: string) {
    this.setStore(ProjectStore.open(dir));
    const store = this.requireStore();
    // Workers a killed studio left behind are stopped; their jobs show as interrupted.
    for (const w of workerLedger(store.dir).reclaim()) {
      console.warn(`[gstudio] The ${w.kind} job started ${w.startedAt} was interrupted when the studio stopped${w.wasRunning ? ` (its worker, pid ${w.pid}, was still running and has been stopped)` : ''}; start it again to resume`);
    }
    store.markInterruptedJobs();
    store.markInterruptedRuns();
    store.audits.markInterrupted();
    markInterruptedFolderPredictions(store.dir);
    // Clips left 'pending' by an interrupted probe are picked up again.
    if (store.info().videoRoot && store.clipIdsWithStatus('pending').length > 0) this.startProbe();
    // Clips a crashed extraction finished are merged into the keypoints file (training does it too).
    recoverProjectKeypoints(store).then(
      (n) => n > 0 && this.emit({ type: 'project', what: 'clips' }),
      (e) => console.error(`Could not merge the keypoints an interrupted extraction left: ${errorMessage(e)}`),
    );
    return this.summaryWithNotices();
  }

  /** The summary with what the project needs from the user (parts to merge, a missing video folder). */
  private summaryWithNotices() {
    const store = this.requireStore();
    return { ...store.summary(), notices: projectNotices(store) };
  }

  private setStore(store: ProjectStore) {
    if (this.runner.running()) {
      store.close();
      throw new StudioError('busy', 'A job is still running in the open project: wait for it or cancel it first');
    }
    this.store?.close();
    this.store = store;
    this.emit({ type: 'project', what: 'opened' });
  }

  private requireStore(): ProjectStore {
    if (!this.store) throw new StudioError('no_project', 'No project is open: create or open one in the Project view');
    return this.store;
  }

  private ensureIdle(kind: string) {
    if (this.runner.running(kind)) throw new StudioError('busy', `A ${kind} job is already running: wait for it or cancel it`);
  }

  private startProbe(): string | null {
    const store = this.requireStore();
    if (store.clipIdsWithStatus('pending').length === 0) return null;
    return this.startJob('probe', { projectDir: store.dir });
  }

  /** Starts a job on the open project, records it there, and tells the UI when clips changed. */
  private startJob(kind: JobKind, params: { projectDir: string } & Record<string, unknown>): string {
    const store = this.requireStore();
    const job = this.runner.start(kind, params);
    this.jobRecords.set(job.id, { store, params });
    const info = this.runner.get(job.id);
    if (info) store.recordJob(info, params);
    const ledger = workerLedger(store.dir);
    if (job.pid && info) ledger.add({ jobId: job.id, kind, pid: job.pid, startedAt: info.startedAt });
    void job.finished.then(() => {
      ledger.remove(job.id);
      this.emit({ type: 'project', what: kind === 'train' ? 'runs' : kind === 'predict' || kind === 'predict-folder' ? 'predictions' : kind === 'audit' ? 'audits' : 'clips' });
    });
    return job.id;
  }

  private trainingDefaults(): TrainingSettings {
    const saved = TrainingSettings.safeParse(this.requireStore().setting('training') ?? {});
    return saved.success ? saved.data : TrainingSettings.parse({});
  }

  private extractionStatus(): ExtractionStatus {
    const store = this.requireStore();
    const saved = ExtractionSettings.safeParse(store.setting('extraction') ?? {});
    const file = projectFiles(store.dir).keypoints;
    return {
      settings: saved.success ? saved.data : ExtractionSettings.parse({}),
      keypointsFile: file,
      fileExists: existsSync(file),
      counts: store.extractionCounts(),
      recorded: null,
      parts: unmergedParts(store),
      regions: regionsPlan(saved.success ? saved.data.detector : 'yolox'),
    };
  }

  private onJob(job: JobInfo) {
    const record = this.jobRecords.get(job.id);
    if (record && job.state !== 'running') {
      // Recorded before anyone hears of the end: a UI that refreshes on the event reads the end.
      this.jobRecords.delete(job.id);
      if (this.store === record.store) {
        record.store.recordJob(job, record.params);
        if (job.kind === 'train' && typeof record.params.runId === 'number') recordRunEnd(record.store, record.params.runId, job);
        if (job.kind === 'predict-folder') recordFolderPredictionEnd(record.params, job);
      }
    }
    this.emit({ type: 'job', job });
  }

  private labelChange<T>(change: T): T {
    this.emit({ type: 'project', what: 'labels' });
    return change;
  }

  private emit(event: StudioEvent) {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        console.error('[gstudio] event listener failed:', err);
      }
    }
  }
}

function ffmpegSummary(): string {
  const c = chooseBinary('ffmpeg');
  return `ffmpeg ${c.version} (${c.source === 'environment' ? 'GSTUDIO_FFMPEG' : c.source === 'system' ? 'system' : 'bundled, from 2018: install a newer ffmpeg'})`;
}

const workerLedger = (projectDir: string) => new WorkerLedger(join(projectDir, '.cache', 'workers-in-flight.json'));

function safeUserName(): string {
  try {
    return userInfo().username || 'user';
  } catch {
    return 'user';
  }
}
