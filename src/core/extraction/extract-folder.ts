import { join, resolve } from 'node:path';
import type { JobContext } from '../jobs/job-context';
import { scanVideoFolder } from '../project/scan-videos';
import type { ExtractionSettings } from './extraction-settings';
import { runShardExtraction } from './extract-shard';
import { runExtraction, type ClipOutcome, type ExtractionSummary } from './run-extraction';
import type { Shard } from './shard';

export interface FolderExtraction {
  summary: ExtractionSummary;
  failures: { relPath: string; reason: string }[];
  skippedFiles: { path: string; reason: string }[];
}

/** A videos root straight to an HDF5 file, without a project (the notebook's workflow). */
export async function extractFolder(
  videosRoot: string,
  outFile: string,
  settings: ExtractionSettings,
  ctx: JobContext,
  workerScript: string,
  options: { redo?: boolean; /** Only this slice, into its own part file. */ shard?: Shard } = {},
): Promise<FolderExtraction> {
  const root = resolve(videosRoot);
  const scan = await scanVideoFolder(root);
  const failures: { relPath: string; reason: string }[] = [];
  const request = {
    clips: scan.clips.map((c, i) => ({ id: i + 1, relPath: c.relPath, absPath: join(root, c.relPath), className: c.className })),
    outFile: resolve(outFile),
    settings,
    classes: scan.classes,
    // Every clip of the folder goes through the run: with --redo, new settings rebuild the file.
    redo: options.redo,
    replaceAll: options.redo,
    workerScript,
    onClip: (o: ClipOutcome) => o.error !== undefined && failures.push({ relPath: o.clip.relPath, reason: o.error }),
  };
  const summary = options.shard ? await runShardExtraction(request, { shard: options.shard, retryFailed: options.redo }, ctx) : await runExtraction(request, ctx);
  return { summary, failures, skippedFiles: scan.skipped };
}
