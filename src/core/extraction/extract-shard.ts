import { hostname } from 'node:os';
import { basename } from 'node:path';
import { StudioError } from '../errors';
import { INPUT_SIZE } from '../keypoints/frame-record';
import type { JobContext } from '../jobs/job-context';
import { recordedSettings, settingsDifferences } from './extraction-settings';
import { recordedSettingsOf } from './open-extraction-file';
import { runExtraction, type ClipOutcome, type ExtractionRequest, type ExtractionSummary } from './run-extraction';
import { appendShardLog, readShardLog } from './shard-log';
import { inShard, partFileFor, type Shard } from './shard';

export interface ShardRun {
  shard: Shard;
  /** Clips a previous run of this shard found failing are tried again (--failed, --redo). */
  retryFailed?: boolean;
}

/**
 * One shard of an extraction: its slice of the clips into its own part file beside the keypoints
 * file (same journal, resume and failure handling as a whole run), every outcome in the part's log
 * for `gstudio merge` to apply. The request's `onClip` still sees every outcome (to print them).
 */
export async function runShardExtraction(req: ExtractionRequest, run: ShardRun, ctx: JobContext): Promise<ExtractionSummary & { partFile: string; shardClips: number }> {
  const partFile = partFileFor(req.outFile, run.shard);
  // The merge refuses parts made otherwise than the keypoints file: say so now, not after hours.
  const target = await recordedSettingsOf(req.outFile).catch(() => null);
  const differs = target ? settingsDifferences(target, recordedSettings(req.settings, INPUT_SIZE)) : [];
  if (differs.length > 0) {
    throw new StudioError(
      'settings_changed',
      `${basename(req.outFile)} was extracted with other settings (${differs.join(', ')}): the parts could not be merged into it; use its settings, or move it away to extract every clip anew`,
    );
  }
  const previous = readShardLog(partFile);
  const mine = req.clips.filter((c) => inShard(c.relPath, run.shard));
  const clips = run.retryFailed ? mine : mine.filter((c) => !(previous.outcomes.get(c.relPath) && 'error' in previous.outcomes.get(c.relPath)!));
  appendShardLog(partFile, { kind: 'start', shard: run.shard, clips: mine.map((c) => c.relPath), at: new Date().toISOString(), host: hostname(), pid: process.pid });
  const onClip = (o: ClipOutcome) => {
    if (o.error !== undefined) appendShardLog(partFile, { kind: 'failed', rel: o.clip.relPath, error: o.error });
    else if (!o.skipped) appendShardLog(partFile, { kind: 'done', rel: o.clip.relPath, name: o.name!, handsFraction: o.frames ? (o.framesWithHands ?? 0) / o.frames : null });
    req.onClip?.(o);
  };
  const summary = await runExtraction({ ...req, clips, outFile: partFile, onClip }, ctx);
  appendShardLog(partFile, { kind: 'end', at: new Date().toISOString(), extracted: summary.extracted, failed: summary.failed });
  return { ...summary, partFile, shardClips: mine.length };
}
