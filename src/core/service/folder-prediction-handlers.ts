import { isAbsolute } from 'node:path';
import type { z } from 'zod';
import type { JobInfo, JobKind, Methods, Result, StudioEvent } from '../../api';
import { StudioError } from '../errors';
import { scanPredictFolder } from '../inference/folder-clips';
import { createFolderPrediction, endFolderPrediction, folderPredictionCsv, getFolderPrediction, listFolderPredictions } from '../inference/folder-prediction-store';
import { checkInput, modelDirOf } from '../inference/predict-video';
import { readModelMetadata } from '../models/model-files';
import type { ProjectStore } from '../project';

type FolderMethod = 'predict.folderStart' | 'predict.folders' | 'predict.folderGet' | 'predict.folderCsv';
type FolderHandlers = { [M in FolderMethod]: (params: z.output<Methods[M]['params']>) => Promise<Result<M>> | Result<M> };

/** What the folder prediction handlers need from the service that hosts them. */
export interface FolderPredictionHost {
  store(): ProjectStore;
  ensureIdle(kind: JobKind): void;
  startJob(kind: JobKind, params: { projectDir: string } & Record<string, unknown>): string;
  emit(event: StudioEvent): void;
}

/**
 * Predicting a folder: the run and the folder are checked before the job starts (a model of another
 * input, a folder that does not exist or holds no video are refused at once, with why); the folder is
 * only the one the user named, walked here, and its clips are what the job and the viewer may read.
 */
export function folderPredictionHandlers(h: FolderPredictionHost): FolderHandlers {
  return {
    'predict.folderStart': async ({ runId, folder }) => {
      const store = h.store();
      h.ensureIdle('predict-folder');
      const run = store.run(runId);
      if (run.status !== 'done') throw new StudioError('invalid_input', `${run.name} has not finished training: pick a finished run`);
      const meta = readModelMetadata(modelDirOf(run.run_dir));
      checkInput(meta);
      // The server's working directory means nothing to the person typing: a folder is named in full.
      const path = folder.trim();
      if (!isAbsolute(path)) throw new StudioError('invalid_input', path ? `Give the folder's full path: "${path}" is relative` : 'Name the folder to predict');
      const scan = await scanPredictFolder(path, meta.labels);
      // The walk took a while: another start may have come in meanwhile.
      h.ensureIdle('predict-folder');
      const id = createFolderPrediction(store.dir, scan, { id: run.id, name: run.name, runDir: run.run_dir }, meta.labels);
      const jobId = h.startJob('predict-folder', { projectDir: store.dir, id });
      h.emit({ type: 'project', what: 'predictions' });
      return { jobId, id };
    },
    'predict.folders': () => listFolderPredictions(h.store().dir),
    'predict.folderGet': ({ id }) => getFolderPrediction(h.store().dir, id),
    'predict.folderCsv': ({ id }) => folderPredictionCsv(h.store().dir, id),
  };
}

/** A job that ended without saying so itself (killed after a cancel, crashed): its prediction says how it ended. */
export function recordFolderPredictionEnd(params: { projectDir: string } & Record<string, unknown>, job: JobInfo): void {
  if (job.state === 'running' || typeof params.id !== 'string') return;
  try {
    endFolderPrediction(params.projectDir, params.id, job.state, job.error, true);
  } catch (err) {
    console.error(`[gstudio] could not record the end of folder prediction ${params.id}:`, err);
  }
}
