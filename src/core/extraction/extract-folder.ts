import { join, resolve } from 'node:path';
import type { JobContext } from '../jobs/job-context';
import { scanVideoFolder } from '../project/scan-videos';
import type { ExtractionSettings } from './extraction-settings';
import { runExtraction, type ExtractionSummary } from './run-extraction';

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
  options: { redo?: boolean } = {},
): Promise<FolderExtraction> {
  const root = resolve(videosRoot);
  const scan = await scanVideoFolder(root);
  const failures: { relPath: string; reason: string }[] = [];
  const summary = await runExtraction(
    {
      clips: scan.clips.map((c, i) => ({ id: i + 1, relPath: c.relPath, absPath: join(root, c.relPath), className: c.className })),
      outFile: resolve(outFile),
      settings,
      classes: scan.classes,
      // Every clip of the folder goes through the run: with --redo, new settings rebuild the file.
      redo: options.redo,
      replaceAll: options.redo,
      workerScript,
      onClip: (o) => o.error !== undefined && failures.push({ relPath: o.clip.relPath, reason: o.error }),
    },
    ctx,
  );
  return { summary, failures, skippedFiles: scan.skipped };
}
