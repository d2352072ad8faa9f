import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { StudioError } from '../errors';
import { ProjectStore } from '../project';
import { extractScript, mergeScript, type BatchScriptInput, type ClusterOptions } from './batch-scripts';
import { runSlurm, sbatch } from './slurm-commands';
import type { ExtractionSettings } from '../extraction/extraction-settings';

/** Where a project keeps its cluster scripts, logs and the record of what was submitted. */
export const slurmFiles = (projectDir: string) => {
  const dir = join(projectDir, 'slurm');
  return { dir, extract: join(dir, 'extract.sbatch'), merge: join(dir, 'merge.sbatch'), logs: join(dir, 'logs'), record: join(dir, 'jobs.json') };
};

const Submission = z.object({
  shards: z.number().int().positive(),
  arrayJob: z.string(),
  mergeJob: z.string(),
  submittedAt: z.string(),
  /** Array tasks submitted again alone: shard -> job id. */
  resubmitted: z.record(z.string(), z.string()).default({}),
});
export type Submission = z.infer<typeof Submission>;

export function readSubmission(projectDir: string): Submission | null {
  const path = slurmFiles(projectDir).record;
  if (!existsSync(path)) return null;
  const parsed = Submission.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  return parsed.success ? parsed.data : null;
}

function writeSubmission(projectDir: string, s: Submission): void {
  writeFileSync(slurmFiles(projectDir).record, `${JSON.stringify(s, null, 2)}\n`);
}

export interface SubmitRequest extends ClusterOptions {
  projectDir: string;
  gstudio: [string, string];
  settings: ExtractionSettings;
  dryRun?: boolean;
}

export interface SubmitResult {
  scripts: { extract: string; merge: string };
  /** Absent on a dry run. */
  submission?: Submission;
}

/**
 * `gstudio slurm extract`: writes the array script and the merge script into the project's slurm/
 * folder and (unless a dry run) submits them, the merge with --dependency=afterok on the array and
 * --kill-on-invalid-dep (a failed shard cancels it, instead of leaving it pending for ever).
 */
export function submitExtraction(req: SubmitRequest): SubmitResult {
  if (!Number.isInteger(req.shards) || req.shards < 1) throw new StudioError('invalid_input', `--shards must be a whole number of at least 1, not ${req.shards}`);
  const store = ProjectStore.open(req.projectDir);
  let projectDir: string;
  try {
    store.videoRoot();
    if (store.clipsForExtraction('all').length === 0) throw new StudioError('invalid_input', `${store.dir} has no readable clips to extract: import a video folder first`);
    projectDir = store.dir;
  } finally {
    store.close();
  }
  const files = slurmFiles(projectDir);
  mkdirSync(files.logs, { recursive: true });
  const input: BatchScriptInput = { ...req, projectDir };
  writeFileSync(files.extract, extractScript(input));
  writeFileSync(files.merge, mergeScript(input));
  chmodSync(files.extract, 0o755);
  chmodSync(files.merge, 0o755);
  const scripts = { extract: files.extract, merge: files.merge };
  if (req.dryRun) return { scripts };
  const arrayJob = sbatch(['--chdir', projectDir, files.extract]);
  const mergeJob = sbatch(['--chdir', projectDir, `--dependency=afterok:${arrayJob}`, '--kill-on-invalid-dep=yes', files.merge]);
  const submission: Submission = { shards: req.shards, arrayJob, mergeJob, submittedAt: new Date().toISOString(), resubmitted: {} };
  writeSubmission(projectDir, submission);
  return { scripts, submission };
}

/**
 * Submits the given shards' array tasks again (same script, `--array=I,J`), and a new merge after
 * them (the old one was cancelled by the failed task, or is cancelled here if still waiting).
 */
export function resubmitShards(projectDir: string, shards: number[]): Submission {
  const files = slurmFiles(projectDir);
  const sub = readSubmission(projectDir);
  if (!sub || !existsSync(files.extract)) throw new StudioError('not_found', `Nothing was submitted from ${projectDir}: run gstudio slurm extract first`);
  for (const s of shards) {
    if (!Number.isInteger(s) || s < 1 || s > sub.shards) throw new StudioError('invalid_input', `--shard must be between 1 and ${sub.shards} (the run has ${sub.shards} shards), not ${s}`);
  }
  runSlurm('scancel', [sub.mergeJob], { allowFailure: true });
  const job = sbatch(['--chdir', projectDir, `--array=${shards.join(',')}`, files.extract]);
  // After the new tasks succeed and every earlier one ended (a shard still running must not be merged half-done).
  const earlier = [sub.arrayJob, ...Object.values(sub.resubmitted)].filter((j, i, all) => all.indexOf(j) === i);
  const after = [`afterok:${job}`, ...earlier.map((j) => `afterany:${j}`)].join(',');
  const mergeJob = sbatch(['--chdir', projectDir, `--dependency=${after}`, '--kill-on-invalid-dep=yes', files.merge]);
  const next: Submission = { ...sub, mergeJob, resubmitted: { ...sub.resubmitted, ...Object.fromEntries(shards.map((s) => [String(s), job])) } };
  writeSubmission(projectDir, next);
  return next;
}
