import type { ExtractionStatus, MergeSummary, ProjectNotice } from '../../api';
import { mergeProjectParts, partStates, shardName } from '../extraction';
import { projectFiles, type ProjectStore } from '../project';

/** The part files of a sharded extraction that wait for the merge. */
export function unmergedParts(store: ProjectStore): ExtractionStatus['parts'] {
  return partStates(projectFiles(store.dir).keypoints).map((p) => ({ shard: shardName(p.shard), clips: p.log.clips.length, finished: p.log.ended }));
}

/** What the project needs from the user when it opens: parts to merge, a video folder to find. */
export function projectNotices(store: ProjectStore): ProjectNotice[] {
  const notices: ProjectNotice[] = [];
  const parts = unmergedParts(store);
  if (parts.length > 0) {
    const unfinished = parts.filter((p) => !p.finished).length;
    notices.push({
      kind: 'parts_to_merge',
      message:
        `${parts.length} part file(s) of a sharded extraction (${parts.map((p) => p.shard).join(', ')}) are not merged into keypoints.h5 yet` +
        (unfinished > 0 ? ` (${unfinished} did not run to its end)` : '') +
        ': merge them (Extraction view: Merge parts; gstudio merge)',
    });
  }
  if (store.info().videoRoot) {
    try {
      store.videoRoot();
    } catch (err) {
      notices.push({ kind: 'video_root_missing', message: (err as Error).message });
    }
  }
  return notices;
}

export async function mergeInProject(store: ProjectStore, partial?: boolean): Promise<MergeSummary> {
  const r = await mergeProjectParts(store.dir, { partial });
  return { parts: r.parts.length, added: r.added, alreadyIn: r.alreadyIn, clips: r.merged.length, failed: r.failures, missing: r.missing, missingShards: r.missingShards };
}
