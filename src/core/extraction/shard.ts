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
 * `I/N` (1 <= I <= N), or `auto` inside a SLURM array task: the task's place in the array
 * (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1) of SLURM_ARRAY_TASK_COUNT.
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  if (text === 'auto') {
    const id = Number(env.SLURM_ARRAY_TASK_ID);
    const count = Number(env.SLURM_ARRAY_TASK_COUNT);
    const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 1 : Number(env.SLURM_ARRAY_TASK_MIN);
    if (env.SLURM_ARRAY_TASK_ID === undefined || !Number.isInteger(id) || !Number.isInteger(count) || !Number.isInteger(min) || count < 1) {
      throw new InvalidInputError('--shard auto reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, which are not set: run it inside a SLURM array job (sbatch --array), or give --shard I/N');
    }
    return checked({ index: id - min + 1, count }, `--shard auto (task ${id} of an array of ${count} from ${min})`);
  }
  const m = SHARD_RE.exec(text.trim());
  if (!m) throw new InvalidInputError(`--shard must be I/N (e.g. 2/8: the second of eight slices) or auto, not "${text}"`);
  return checked({ index: Number(m[1]), count: Number(m[2]) }, `--shard ${text}`);
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
