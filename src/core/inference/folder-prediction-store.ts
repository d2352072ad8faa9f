import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { folderClipPredictionId, parseFolderClipId, type FolderClipResult, type FolderPrediction, type FolderPredictionInfo } from '../../api/folder-predictions';
import type { PredictionDetail } from '../../api/predictions';
import { tempPathFor } from '../dataset/atomic-file';
import { NotFoundError, StudioError } from '../errors';
import { compactRecords } from '../keypoints/compact-records';
import type { SkippedEntry } from '../project/video-tree';
import { videoContentType } from '../service/byte-range';
import type { MediaFile } from '../service/media-file';
import type { FolderClip, FolderScan } from './folder-clips';
import { folderCsv } from './folder-csv';
import { summariseFolder } from './folder-summary';
import type { FolderClipDetail } from './predict-folder';

/**
 * A folder prediction lives beside the single ones, in the project's predictions/<id>/:
 * folder.json (the folder, the run, the clips found and what was skipped, the state), results.jsonl
 * (one line per clip, appended as each finishes, so that a reload or a crash keeps what was done)
 * and clips/<index>.json (a predicted clip's keypoints and window, for its viewer).
 */
interface FolderRecord {
  id: string;
  folder: string;
  runId: number;
  runName: string;
  runDir: string;
  labels: string[];
  createdAt: string;
  finishedAt: string | null;
  state: FolderPredictionInfo['state'];
  error: string | null;
  clips: FolderClip[];
  skipped: SkippedEntry[];
}

const RECORD = 'folder.json';
const RESULTS = 'results.jsonl';
const ID = /^[a-z0-9][a-z0-9-]{0,80}$/;
const predictionsDir = (projectDir: string) => join(projectDir, 'predictions');
const dirOf = (projectDir: string, id: string) => {
  // No '--' in a folder prediction's own id: that separates a clip's index (parseFolderClipId).
  if (!ID.test(id) || id.includes('--')) throw new StudioError('invalid_input', `Invalid folder prediction id ${id.slice(0, 40)}`);
  return join(predictionsDir(projectDir), id);
};

function writeRecord(projectDir: string, record: FolderRecord): void {
  const file = join(dirOf(projectDir, record.id), RECORD);
  const temp = tempPathFor(file);
  writeFileSync(temp, JSON.stringify(record));
  renameSync(temp, file);
}

function readRecord(projectDir: string, id: string): FolderRecord {
  const file = join(dirOf(projectDir, id), RECORD);
  if (!existsSync(file)) throw new NotFoundError(`Folder prediction ${id}`);
  return JSON.parse(readFileSync(file, 'utf8')) as FolderRecord;
}

/** A file name's worth of a folder's name. */
export function folderSlug(folder: string): string {
  return basename(folder).toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30) || 'folder';
}

/** Records a new folder prediction (state running) before its job starts; returns its id. */
export function createFolderPrediction(projectDir: string, scan: FolderScan, run: { id: number; name: string; runDir: string }, labels: string[]): string {
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}-folder-${folderSlug(scan.root)}`;
  mkdirSync(join(dirOf(projectDir, id), 'clips'), { recursive: true });
  writeRecord(projectDir, {
    id,
    folder: scan.root,
    runId: run.id,
    runName: run.name,
    runDir: run.runDir,
    labels,
    createdAt: new Date().toISOString(),
    finishedAt: null,
    state: 'running',
    error: null,
    clips: scan.clips,
    skipped: scan.skipped,
  });
  return id;
}

export function folderPredictionJob(projectDir: string, id: string): { runDir: string; scan: FolderScan } {
  const r = readRecord(projectDir, id);
  return { runDir: r.runDir, scan: { root: r.folder, clips: r.clips, skipped: r.skipped } };
}

/** One finished clip: its viewer's data first, then its line, so that a listed clip can always open. */
export function appendFolderClip(projectDir: string, id: string, result: FolderClipResult, detail: FolderClipDetail | null): void {
  const dir = dirOf(projectDir, id);
  if (detail) writeFileSync(join(dir, 'clips', `${result.index}.json`), JSON.stringify({ ...detail, records: compactRecords(detail.records) }));
  appendFileSync(join(dir, RESULTS), `${JSON.stringify(result)}\n`);
}

/** The end of the job; a prediction already ended (by its own job) keeps the state it ended with. */
export function endFolderPrediction(projectDir: string, id: string, state: Exclude<FolderPredictionInfo['state'], 'running'>, error: string | null = null, onlyIfRunning = false): void {
  const r = readRecord(projectDir, id);
  if (onlyIfRunning && r.state !== 'running') return;
  writeRecord(projectDir, { ...r, state, error, finishedAt: new Date().toISOString() });
}

/** Folder predictions a stopped studio left running: their job is gone. */
export function markInterruptedFolderPredictions(projectDir: string): number {
  let n = 0;
  for (const id of folderPredictionIds(projectDir)) {
    if (readRecord(projectDir, id).state !== 'running') continue;
    endFolderPrediction(projectDir, id, 'interrupted', 'The studio stopped while it ran: the clips finished before are kept');
    n++;
  }
  return n;
}

/** Finished clips in the folder's order (a line a crash cut short is left out). */
function readResults(projectDir: string, id: string): FolderClipResult[] {
  const file = join(dirOf(projectDir, id), RESULTS);
  if (!existsSync(file)) return [];
  const byIndex = new Map<number, FolderClipResult>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as FolderClipResult;
      byIndex.set(r.index, r);
    } catch {
      // The last line of a killed writer.
    }
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

function info(r: FolderRecord, results: FolderClipResult[]): FolderPredictionInfo {
  const summary = summariseFolder(results, r.labels);
  return {
    id: r.id,
    folder: r.folder,
    runId: r.runId,
    runName: r.runName,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    state: r.state,
    error: r.error,
    total: r.clips.length,
    done: results.length,
    failed: summary.failed,
    accuracy: summary.accuracy,
    classFolders: r.clips.some((c) => c.trueClass !== null),
  };
}

export function getFolderPrediction(projectDir: string, id: string): FolderPrediction {
  const r = readRecord(projectDir, id);
  const results = readResults(projectDir, id);
  return { ...info(r, results), clips: results, skipped: r.skipped, summary: summariseFolder(results, r.labels) };
}

function folderPredictionIds(projectDir: string): string[] {
  const root = predictionsDir(projectDir);
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((id) => ID.test(id) && !id.includes('--') && existsSync(join(root, id, RECORD)));
}

export function listFolderPredictions(projectDir: string): FolderPredictionInfo[] {
  return folderPredictionIds(projectDir)
    .map((id) => info(readRecord(projectDir, id), readResults(projectDir, id)))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export function folderPredictionCsv(projectDir: string, id: string): { fileName: string; text: string } {
  const r = readRecord(projectDir, id);
  return { fileName: `${folderSlug(r.folder)}-predictions.csv`, text: folderCsv(readResults(projectDir, id)) };
}

/** The clip behind `<id>--<index>` and its result, when it was predicted. */
function predictedClip(projectDir: string, clipPredictionId: string) {
  const parsed = parseFolderClipId(clipPredictionId);
  if (!parsed) throw new StudioError('invalid_input', `Invalid prediction id ${clipPredictionId.slice(0, 40)}`);
  const [id, index] = parsed;
  const record = readRecord(projectDir, id);
  const clip = record.clips[index];
  const result = readResults(projectDir, id).find((r) => r.index === index);
  if (!clip || clip.index !== index || !result) throw new NotFoundError(`Clip ${index} of folder prediction ${id}`);
  return { record, clip, result };
}

export function getFolderClipPrediction(projectDir: string, clipPredictionId: string): PredictionDetail {
  const { record, clip, result } = predictedClip(projectDir, clipPredictionId);
  const file = join(dirOf(projectDir, record.id), 'clips', `${clip.index}.json`);
  if (result.status !== 'ok' || !existsSync(file)) throw new NotFoundError(`A prediction for ${clip.relPath}`, result.reason ?? 'it has none');
  const detail = JSON.parse(readFileSync(file, 'utf8')) as FolderClipDetail;
  return {
    id: folderClipPredictionId(record.id, clip.index),
    video: clip.relPath,
    runId: record.runId,
    runName: record.runName,
    label: result.predicted!,
    confidence: result.confidence!,
    createdAt: record.createdAt,
    top: result.top,
    framesWithHands: result.framesWithHands ?? 0,
    frames: result.frames ?? detail.records.length,
    window: detail.window,
    records: detail.records,
    fps: detail.fps,
  };
}

/**
 * A folder clip's video, for its viewer. Only files the user's folder gave and the studio read as
 * video are served: the clip must be in the prediction's list, have decoded, and still be a regular
 * file of the size it had when the folder was walked (a link retargeted since, say to a secret file,
 * is refused).
 */
export function folderClipMedia(projectDir: string, clipPredictionId: string): MediaFile {
  const { record, clip, result } = predictedClip(projectDir, clipPredictionId);
  if (isAbsolute(clip.relPath) || clip.relPath.split('/').includes('..')) throw new StudioError('forbidden', `${clip.relPath} is outside the folder`);
  if (!result.frames) throw new StudioError('forbidden', `${clip.relPath} was not read as a video`);
  let path: string;
  try {
    path = realpathSync(join(record.folder, clip.relPath));
  } catch {
    throw new NotFoundError(`${join(record.folder, clip.relPath)}`, 'it was moved or deleted since it was predicted');
  }
  const st = statSync(path);
  if (!st.isFile() || st.size !== clip.sizeBytes) throw new StudioError('forbidden', `${clip.relPath} changed since it was predicted: predict the folder again`);
  return { path, size: st.size, contentType: videoContentType(path) };
}
