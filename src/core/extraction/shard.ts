import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { normaliseRelativePath } from '../dataset/clip-name';
import { InvalidInputError } from '../errors';

/** The index-th (1-based) of count disjoint slices of a dataset's clips. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * The shard a clip belongs to: a hash of its normalised relative path, so that it depends on the
 * clip alone (adding, removing or reordering clips moves no other clip to another shard).
 */
export function shardOfClip(relPath: string, count: number): number {
  const digest = createHash('sha1').update(normaliseRelativePath(relPath), 'utf8').digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard(relPath: string, shard: Shard): boolean {
  return shardOfClip(relPath, shard.count) === shard.index;
}

const SHARD_RE = /^(\d+)\/(\d+)$/;

/**
 * `I/N` (1 <= I <= N), or `auto` inside a SLURM array task: the task's place in the array of
 * SLURM_ARRAY_TASK_COUNT, from its id, the array's first id and step (`--array=1-9:2` is ids 1,3,5,7,9:
 * five shards; SLURM 22.05 sets MIN 1, MAX 9, STEP 2).
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  if (text === 'auto') return shardOfArrayTask(env);
  const m = SHARD_RE.exec(text.trim());
  if (!m) throw new InvalidInputError(`--shard must be I/N (e.g. 2/8: the second of eight slices) or auto, not "${text}"`);
  return checked({ index: Number(m[1]), count: Number(m[2]) }, `--shard ${text}`);
}

const int = (v: string | undefined, fallback: number) => (v === undefined || v === '' ? fallback : Number(v));

function shardOfArrayTask(env: NodeJS.ProcessEnv): Shard {
  const id = int(env.SLURM_ARRAY_TASK_ID, NaN);
  const count = int(env.SLURM_ARRAY_TASK_COUNT, NaN);
  if (!Number.isInteger(id) || !Number.isInteger(count) || count < 1) {
    throw new InvalidInputError('--shard auto reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, which are not set: run it inside a SLURM array job (sbatch --array), or give --shard I/N');
  }
  const min = int(env.SLURM_ARRAY_TASK_MIN, 1);
  const step = int(env.SLURM_ARRAY_TASK_STEP, 1);
  // Without MAX (older SLURM), the array is taken as the evenly stepped one it would be.
  const max = int(env.SLURM_ARRAY_TASK_MAX, min + step * (count - 1));
  const what = `--shard auto (task ${id} of an array of ${count} tasks, ids ${min} to ${max} by ${step})`;
  if (![min, step, max].every(Number.isInteger) || step < 1) throw new InvalidInputError(`${what}: SLURM's array variables are not whole numbers; give --shard I/N`);
  // A list such as --array=1,2,7 (SLURM says step 1, max 7 for three tasks) does not say which place
  // each id has among the others: refuse rather than extract some slice twice and another never.
  if (max !== min + step * (count - 1) || (id - min) % step !== 0 || id < min || id > max) {
    throw new InvalidInputError(
      `${what}: the array is not an evenly stepped range (--array=A-B or A-B:S), so this task's shard cannot be told from it; submit the array as --array=1-N, or give each task --shard I/N`,
    );
  }
  return checked({ index: (id - min) / step + 1, count }, what);
}

function checked(s: Shard, what: string): Shard {
  if (s.count < 1 || s.index < 1 || s.index > s.count) throw new InvalidInputError(`${what}: the shard must be between 1 and ${Math.max(1, s.count)}`);
  return s;
}

const PART_RE = /^(.*)\.part-(\d+)-of-(\d+)\.h5$/;

/** `keypoints.h5` -> `keypoints.part-2-of-8.h5`, beside it. */
export function partFileFor(outFile: string, shard: Shard): string {
  const stem = basename(outFile).replace(/\.h5$/i, '');
  return join(dirname(outFile), `${stem}.part-${shard.index}-of-${shard.count}.h5`);
}

/** The part files beside `outFile` (complete or still being written: a part's journal counts). */
export function listPartFiles(outFile: string): { path: string; shard: Shard }[] {
  const dir = dirname(outFile);
  if (!existsSync(dir)) return [];
  const stem = basename(outFile).replace(/\.h5$/i, '');
  const found = new Map<string, { path: string; shard: Shard }>();
  for (const f of readdirSync(dir)) {
    const name = f.replace(/\.(journal|log\.jsonl)$/, '');
    const m = PART_RE.exec(name);
    if (!m || m[1] !== stem) continue;
    found.set(name, { path: join(dir, name), shard: { index: Number(m[2]), count: Number(m[3]) } });
  }
  return [...found.values()].sort((a, b) => a.shard.count - b.shard.count || a.shard.index - b.shard.index);
}
