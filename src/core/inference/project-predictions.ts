import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import type { PredictionDetail, PredictionSummary } from '../../api/predictions';
import { NotFoundError, StudioError } from '../errors';
import type { JobContext } from '../jobs/job-context';
import { ProjectStore } from '../project/project-store';
import { VIDEO_EXTENSIONS } from '../project/scan-videos';
import { videoContentType } from '../service/byte-range';
import { probeClip } from '../video/probe';
import { compactRecords } from '../keypoints/compact-records';
import { predictVideo } from './predict-video';

/**
 * Predictions made in the studio live in the project: predictions/<id>/ holds a copy of the video
 * (so that media access stays inside the project's folders), result.json and annotated frames.
 */
const predictionsDir = (projectDir: string) => join(projectDir, 'predictions');
const folderOf = (projectDir: string, id: string) => join(predictionsDir(projectDir), id);
const ID = /^[a-z0-9][a-z0-9-]{0,80}$/;

function checkId(id: string): void {
  if (!ID.test(id)) throw new StudioError('invalid_input', `Invalid prediction id ${id.slice(0, 40)}`);
}

/** A new, unique folder for a video called `name`. */
export function newPrediction(projectDir: string, name: string): { id: string; videoPath: string } {
  const ext = extname(name).toLowerCase();
  if (!VIDEO_EXTENSIONS.has(ext)) throw new StudioError('invalid_input', `${basename(name)} is not a video file (${[...VIDEO_EXTENSIONS].join(', ')})`);
  const slug = basename(name, extname(name)).toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'video';
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}-${slug}`;
  mkdirSync(folderOf(projectDir, id), { recursive: true });
  writeFileSync(join(folderOf(projectDir, id), 'source.json'), JSON.stringify({ name: basename(name) }));
  return { id, videoPath: join(folderOf(projectDir, id), `video${ext}`) };
}

export function predictionVideo(projectDir: string, id: string): { path: string; size: number; contentType: string } {
  checkId(id);
  const dir = folderOf(projectDir, id);
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('video.')) : undefined;
  if (!file) throw new NotFoundError(`Prediction ${id}`);
  const path = join(dir, file);
  return { path, size: statSync(path).size, contentType: videoContentType(path) };
}

export const PredictParams = z.object({
  projectDir: z.string().min(1),
  runId: z.number().int().positive(),
  predictionId: z.string().regex(ID),
  /** A file to copy in; absent when the video was uploaded into the folder already. */
  source: z.string().optional(),
});

/** The predict job: copy the video in, classify it with the run's model, keep everything for the UI. */
export async function predictInProject(raw: unknown, ctx: JobContext): Promise<PredictionSummary> {
  const p = PredictParams.parse(raw);
  const store = ProjectStore.open(p.projectDir);
  let run;
  try {
    run = store.run(p.runId);
  } finally {
    store.close();
  }
  if (run.status !== 'done') throw new StudioError('invalid_input', `${run.name} has not finished training: pick a finished run`);
  const dir = folderOf(p.projectDir, p.predictionId);
  if (p.source) {
    ctx.progress({ done: 0, total: 1, message: 'Copying the video into the project' });
    copyFileSync(p.source, join(dir, `video${extname(p.source).toLowerCase()}`));
  }
  const video = predictionVideo(p.projectDir, p.predictionId).path;
  let info;
  try {
    info = await probeClip(video, ctx.signal);
  } catch (err) {
    // Checked before the copy, but the file may have changed since: keep nothing that is not a video.
    if (p.source) rmSync(video, { force: true });
    throw err;
  }
  const total = info.frameCount ?? 0;
  const source = JSON.parse(readFileSync(join(dir, 'source.json'), 'utf8')) as { name: string };
  const result = await predictVideo(run.run_dir, video, {
    // Messages name the file the user gave (or the name it was uploaded under), not the project's copy.
    displayName: p.source ?? source.name,
    keepRecords: true,
    annotateDir: join(dir, 'annotated'),
    signal: ctx.signal,
    onFrame: (done) => ctx.progress({ done, total: Math.max(done, total), message: 'Extracting keypoints' }),
  });
  const detail: PredictionDetail = {
    id: p.predictionId,
    video: source.name,
    runId: run.id,
    runName: run.name,
    label: result.label,
    confidence: result.confidence,
    createdAt: new Date().toISOString(),
    top: result.top,
    framesWithHands: result.frames_with_hands,
    frames: result.frames,
    window: result.window,
    records: compactRecords(result.records ?? []),
    fps: info.fps,
  };
  writeFileSync(join(dir, 'result.json'), JSON.stringify(detail));
  const { records: _r, top: _t, window: _w, framesWithHands: _f, frames: _n, fps: _fps, ...summary } = detail;
  return summary;
}

export function getPrediction(projectDir: string, id: string): PredictionDetail {
  checkId(id);
  const file = join(folderOf(projectDir, id), 'result.json');
  if (!existsSync(file)) throw new NotFoundError(`The result of prediction ${id}`, 'it is still running or it failed');
  return JSON.parse(readFileSync(file, 'utf8')) as PredictionDetail;
}

export function listPredictions(projectDir: string): PredictionSummary[] {
  const root = predictionsDir(projectDir);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((id) => ID.test(id) && existsSync(join(root, id, 'result.json')))
    .map((id) => {
      const { records: _r, top: _t, window: _w, framesWithHands: _f, frames: _n, fps: _fps, ...summary } = getPrediction(projectDir, id);
      return summary;
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
