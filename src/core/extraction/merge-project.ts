import { clipDatasetName } from '../dataset';
import { ProjectStore, projectFiles } from '../project';
import { mergeParts, partOutcomes, removeParts, type PartsMerge } from './merge-parts';
import { recoverProjectKeypoints } from './recover-keypoints';

/**
 * `gstudio merge <project>`: the shards' part files into the project's keypoints.h5, and their
 * outcomes into the project (clip statuses, failures), so that the clip list and the Extraction
 * view's coverage show the merged state. Safe to run again after a crash at any point: the file is
 * replaced atomically, recording is idempotent, and the parts go last.
 */
export async function mergeProjectParts(projectDir: string, opts: { partial?: boolean } = {}): Promise<PartsMerge> {
  const store = ProjectStore.open(projectDir);
  try {
    await recoverProjectKeypoints(store);
    const target = projectFiles(store.dir).keypoints;
    const clips = store.clipsForExtraction('all');
    const result = await mergeParts(target, { partial: opts.partial, expected: clips.map((c) => c.relPath) });
    const outcomes = partOutcomes(result.parts.map((p) => p.path));
    const merged = new Set(result.merged);
    store.db.transaction(() => {
      for (const c of clips) {
        const name = clipDatasetName(c.relPath);
        const o = outcomes.get(c.relPath);
        if (merged.has(name)) store.setExtractResult(c.id, { h5Key: name, handsFraction: o && 'name' in o ? o.handsFraction : null });
        else if (o && 'error' in o) store.setExtractFailure(c.id, o.error);
      }
    })();
    removeParts(result.parts.map((p) => p.path));
    // Failures the project holds from earlier runs count too.
    const failed = clips.filter((c) => !merged.has(clipDatasetName(c.relPath)));
    const reasons = new Map(store.extractFailures().map((c) => [c.relPath, c.reason]));
    const failures = failed.filter((c) => reasons.has(c.relPath)).map((c) => ({ relPath: c.relPath, reason: reasons.get(c.relPath)! }));
    return { ...result, failures, missing: failed.filter((c) => !reasons.has(c.relPath)).map((c) => c.relPath).sort() };
  } finally {
    store.close();
  }
}
