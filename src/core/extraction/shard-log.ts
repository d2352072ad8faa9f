import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Shard } from './shard';

/**
 * What one shard did, beside its part file (`<part>.log.jsonl`), one JSON line per event, appended:
 * a line torn by a crash is ignored. The merge applies it to the project (statuses, failures), and
 * learns from it which clips a shard was given (to list the clips no part has). Shards never write
 * the project's SQLite file themselves: on a cluster they run on other machines, over a shared file
 * system where SQLite locking is not to be trusted.
 */
export type ShardLogLine =
  | { kind: 'start'; shard: Shard; clips: string[]; at: string; host: string; pid: number }
  | { kind: 'done'; rel: string; name: string; handsFraction: number | null }
  | { kind: 'failed'; rel: string; error: string }
  | { kind: 'end'; at: string; extracted: number; failed: number };

export function shardLogFor(partFile: string): string {
  return `${partFile}.log.jsonl`;
}

export function appendShardLog(partFile: string, line: ShardLogLine): void {
  appendFileSync(shardLogFor(partFile), `${JSON.stringify(line)}\n`);
}

export interface ShardLog {
  /** The clips the last start was given. */
  clips: string[];
  /** Last outcome per clip: a later success clears an earlier failure. */
  outcomes: Map<string, { name: string; handsFraction: number | null } | { error: string }>;
  started: boolean;
  /** The last start ended (the shard ran to its end, whatever its clips' outcomes). */
  ended: boolean;
  host?: string;
  pid?: number;
}

export function readShardLog(partFile: string): ShardLog {
  const log: ShardLog = { clips: [], outcomes: new Map(), started: false, ended: false };
  const path = shardLogFor(partFile);
  if (!existsSync(path)) return log;
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    let line: ShardLogLine;
    try {
      line = JSON.parse(text);
    } catch {
      continue;
    }
    if (line.kind === 'start') Object.assign(log, { clips: line.clips, started: true, ended: false, host: line.host, pid: line.pid });
    else if (line.kind === 'end') log.ended = true;
    else if (line.kind === 'done') log.outcomes.set(line.rel, { name: line.name, handsFraction: line.handsFraction });
    else if (line.kind === 'failed') log.outcomes.set(line.rel, { error: line.error });
  }
  return log;
}

export function failuresOf(log: ShardLog): { relPath: string; reason: string }[] {
  return [...log.outcomes].flatMap(([relPath, o]) => ('error' in o ? [{ relPath, reason: o.error }] : []));
}
