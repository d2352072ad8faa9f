import { join } from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../errors';
import type { JobContext } from '../jobs/job-context';
import { ProjectStore, projectFiles } from '../project';
import { syncLabelsToKeypoints } from '../runs/sync-labels';
import { recoverProjectKeypoints } from './recover-keypoints';
import { ExtractionSettings } from './extraction-settings';
import { runShardExtraction } from './extract-shard';
import { runExtraction, type ExtractionSummary } from './run-extraction';

export const ExtractProjectParams = z.object({
  projectDir: z.string().min(1),
  which: z.enum(['pending', 'failed', 'all']).default('pending'),
  clipIds: z.array(z.number().int().positive()).optional(),
  /** Another HDF5 file than the project's keypoints.h5. */
  outFile: z.string().min(1).optional(),
  settings: ExtractionSettings.default(ExtractionSettings.parse({})),
  /** Only this slice of the clips, into its own part file (`gstudio merge` combines the parts). */
  shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }).optional(),
});
export type ExtractProjectParams = z.input<typeof ExtractProjectParams>;

/** Extraction of a project's clips into its keypoints.h5, each outcome recorded in the project. */
export async function extractProject(raw: unknown, ctx: JobContext, workerScript: string): Promise<ExtractionSummary> {
  const params = ExtractProjectParams.parse(raw);
  const store = ProjectStore.open(params.projectDir);
  try {
    const root = store.videoRoot();
    const clips = store.clipsForExtraction(params.which, params.clipIds).map((c) => ({ ...c, absPath: join(root, c.relPath) }));
    const outFile = params.outFile ?? projectFiles(store.dir).keypoints;
    if (params.shard) {
      // A shard leaves the project's database alone: its outcomes go to its part's log, for the merge.
      return await runShardExtraction(
        { clips, outFile, settings: params.settings, classes: store.classNames(), redo: params.which !== 'pending', replaceAll: params.which === 'all', workerScript },
        { shard: params.shard, retryFailed: params.which !== 'pending' },
        ctx,
      );
    }
    if (!params.outFile) {
      // The file is written with the project's label map: first bring its clips' classes in step
      // (after merging what a crashed run left, written with the names of its time).
      // A damaged file is the extraction's to report (and to write anew when every clip is redone).
      try {
        await recoverProjectKeypoints(store);
        await syncLabelsToKeypoints(store);
      } catch (err) {
        ctx.log(`The keypoints file's classes could not be brought in step first: ${errorMessage(err)}`);
      }
    }
    return await runExtraction(
      {
        clips,
        outFile,
        settings: params.settings,
        classes: store.classNames(),
        redo: params.which !== 'pending',
        replaceAll: params.which === 'all' && params.clipIds === undefined,
        // The file starts afresh: until each clip is extracted again it is not in it.
        onSettingsChanged: () => store.markExtractedStale(),
        workerScript,
        onClip: (o) => {
          if (o.error !== undefined) store.setExtractFailure(o.clip.id, o.error);
          else store.setExtractResult(o.clip.id, { h5Key: o.name!, handsFraction: o.frames ? (o.framesWithHands ?? 0) / o.frames : null });
        },
      },
      ctx,
    );
  } finally {
    store.close();
  }
}
