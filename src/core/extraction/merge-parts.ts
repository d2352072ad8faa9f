import { existsSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { clipDatasetName, mergeSequenceFiles, recoverJournal } from '../dataset';
import { journalDirFor, journalWriter } from '../dataset/clip-journal';
import { StudioError } from '../errors';
import { failuresOf, readShardLog, shardLogFor, type ShardLog } from './shard-log';
import { listPartFiles, type Shard } from './shard';

export interface PartState {
  path: string;
  shard: Shard;
  log: ShardLog;
  /** A live process on this machine is writing it. */
  writer: number | null;
}

/** The part files beside a keypoints file, with what their logs say. */
export function partStates(target: string): PartState[] {
  return listPartFiles(target).map((p) => ({ ...p, log: readShardLog(p.path), writer: journalWriter(journalDirFor(p.path)) }));
}

export const shardName = (s: Shard) => `shard ${s.index}/${s.count}`;

export interface PartsMerge {
  target: string;
  parts: { path: string; shard: Shard; clips: number }[];
  added: number;
  alreadyIn: number;
  /** Clips in the merged file. */
  merged: string[];
  /** Clips a shard tried and could not extract (not in the merged file). */
  failures: { relPath: string; reason: string }[];
  /** Clips expected (given by the caller, or given to a shard) that neither the file nor a part has, and that did not fail. */
  missing: string[];
  /** Shards of an N-way split that have no part file at all. */
  missingShards: string[];
  staleTemps: string[];
}

/**
 * Merges the part files beside `target` into it. Refuses a part still being written, or (unless
 * `partial`) one whose shard did not run to its end: its remaining clips would be missing.
 * `expected`: the relative paths that should end up in the file (a project's readable clips).
 */
export async function mergeParts(target: string, opts: { partial?: boolean; expected?: string[] } = {}): Promise<PartsMerge> {
  const parts = partStates(target);
  if (parts.length === 0) throw new StudioError('nothing_to_merge', `No part files beside ${basename(target)}: extract shards first (gstudio extract … --shard I/N)`);
  for (const p of parts) {
    if (p.writer !== null) throw new StudioError('busy', `${shardName(p.shard)} is still being extracted (process ${p.writer}): wait for it to finish, then merge`);
    if (!opts.partial && p.log.started && !p.log.ended) {
      const where = p.log.host && p.log.host !== hostname() ? ` on ${p.log.host}` : '';
      throw new StudioError(
        'shard_unfinished',
        `${shardName(p.shard)} did not run to its end (process ${p.log.pid ?? '?'}${where} stopped or is still running): run it again (gstudio extract … --shard ${p.shard.index}/${p.shard.count}, or gstudio slurm resubmit … --shard ${p.shard.index}), or merge what it has with --partial`,
      );
    }
  }
  // A shard killed between two flushes has clips in its journal: they count.
  for (const p of parts) await recoverJournal(p.path);
  const withFile = parts.filter((p) => existsSync(p.path));
  const outcome = await mergeSequenceFiles(target, withFile.map((p) => p.path));
  const merged = new Set(outcome.names);
  const failures = parts
    .flatMap((p) => failuresOf(p.log))
    .filter((f) => !merged.has(clipDatasetName(f.relPath)))
    .filter((f, i, all) => all.findIndex((g) => g.relPath === f.relPath) === i);
  const failed = new Set(failures.map((f) => f.relPath));
  const expected = opts.expected ?? [...new Set(parts.flatMap((p) => p.log.clips))];
  const missing = expected.filter((rel) => !merged.has(clipDatasetName(rel)) && !failed.has(rel)).sort();
  const missingShards: string[] = [];
  for (const count of new Set(parts.map((p) => p.shard.count))) {
    for (let i = 1; i <= count; i++) if (!parts.some((p) => p.shard.count === count && p.shard.index === i)) missingShards.push(shardName({ index: i, count }));
  }
  return {
    target,
    parts: parts.map((p) => ({ path: p.path, shard: p.shard, clips: p.log.clips.length })),
    added: outcome.added.length,
    alreadyIn: outcome.alreadyIn,
    merged: outcome.names,
    failures,
    missing,
    missingShards,
    staleTemps: outcome.staleTemps,
  };
}

/** After a merge (and once the project recorded it): the parts, their logs and empty journals go. */
export function removeParts(paths: string[]): void {
  for (const p of paths) {
    rmSync(p, { force: true });
    rmSync(shardLogFor(p), { force: true });
    rmSync(journalDirFor(p), { recursive: true, force: true });
  }
}

/** Outcomes the parts' logs hold, per relative path (last one wins), for the project to record. */
export function partOutcomes(paths: string[]): Map<string, { name: string; handsFraction: number | null } | { error: string }> {
  const all = new Map<string, { name: string; handsFraction: number | null } | { error: string }>();
  for (const p of paths) for (const [rel, o] of readShardLog(p).outcomes) all.set(rel, o);
  return all;
}
