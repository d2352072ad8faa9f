import { z } from 'zod';
import type { FolderPredictionInfo } from '../../api/folder-predictions';
import { errorMessage } from '../errors';
import type { JobContext } from '../jobs/job-context';
import { appendFolderClip, endFolderPrediction, folderPredictionJob, listFolderPredictions } from './folder-prediction-store';
import { predictFolder } from './predict-folder';

export const PredictFolderParams = z.object({
  projectDir: z.string().min(1),
  /** The folder prediction recorded when it was asked for (its folder walked, its run chosen). */
  id: z.string().min(1).max(100),
});

/**
 * The predict-folder job: the clips found when it was asked for, each recorded in the project as it
 * finishes; the state it ends in (done, cancelled, failed with why) is recorded too.
 */
export async function predictFolderInProject(raw: unknown, ctx: JobContext, workerScript: string): Promise<FolderPredictionInfo> {
  const p = PredictFolderParams.parse(raw);
  const { runDir, scan } = folderPredictionJob(p.projectDir, p.id);
  try {
    const run = await predictFolder(runDir, scan, ctx, { workerScript, onClip: (result, detail) => appendFolderClip(p.projectDir, p.id, result, detail) });
    if (run.regionsUsed) ctx.log(`Regions: ${run.regionsUsed}`);
    endFolderPrediction(p.projectDir, p.id, 'done');
  } catch (err) {
    if (ctx.signal.aborted) endFolderPrediction(p.projectDir, p.id, 'cancelled', 'Cancelled: the clips finished before are kept');
    else endFolderPrediction(p.projectDir, p.id, 'failed', errorMessage(err));
    throw err;
  }
  return listFolderPredictions(p.projectDir).find((f) => f.id === p.id)!;
}
