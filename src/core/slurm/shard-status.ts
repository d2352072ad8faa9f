import { existsSync } from 'node:fs';
import { partStates, type PartState } from '../extraction/merge-parts';
import { listClipNames } from '../dataset';
import { projectFiles } from '../project';
import { endedStates, squeueStates, type TaskState } from './slurm-commands';
import { readSubmission, type Submission } from './submission';

export type ShardPhase = 'pending' | 'running' | 'done' | 'failed' | 'merged';

export interface ShardStatus {
  shard: number;
  phase: ShardPhase;
  /** The SLURM job of its latest task, e.g. "123_4". */
  job?: string;
  /** What SLURM says (state, reason), when it still knows the task. */
  slurm?: string;
  clips: number;
  extracted: number;
  failed: number;
}

export interface ClusterStatus {
  submission: Submission;
  shards: ShardStatus[];
  merge: { job: string; slurm?: string };
  /** Clips in the project's keypoints file. */
  keypointsClips: number;
}

const FAILED = new Set(['FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']);

function phaseOf(part: PartState | undefined, task: TaskState | undefined, merged: boolean): ShardPhase {
  if (task && (task.state === 'RUNNING' || task.state === 'COMPLETING')) return 'running';
  if (task && task.state === 'PENDING') return 'pending';
  if (part?.log.ended) return 'done';
  if (!part && merged) return 'merged';
  if (task && FAILED.has(task.state)) return 'failed';
  // Started and not ended, and SLURM no longer runs it: it was stopped.
  if (part?.log.started) return 'failed';
  return task?.state === 'COMPLETED' ? 'done' : 'pending';
}

/**
 * `gstudio slurm status`: each shard from what SLURM says of its latest task (squeue for live
 * tasks; sacct, or scontrol where accounting is off, for ended ones) and from its part file's log
 * (what the shard itself wrote: the truth once SLURM has forgotten the job).
 */
export async function clusterStatus(projectDir: string): Promise<ClusterStatus | null> {
  const submission = readSubmission(projectDir);
  if (!submission) return null;
  const target = projectFiles(projectDir).keypoints;
  const parts = new Map(partStates(target).filter((p) => p.shard.count === submission.shards).map((p) => [p.shard.index, p]));
  const jobs = [submission.arrayJob, ...Object.values(submission.resubmitted), submission.mergeJob].filter((j, i, all) => all.indexOf(j) === i);
  const live = squeueStates(jobs);
  const ended = endedStates(jobs.filter((j) => !live.some((t) => t.id.split('_')[0] === j)));
  const known = [...live, ...ended];
  const taskOf = (shard: number): TaskState | undefined => {
    const job = submission.resubmitted[String(shard)] ?? submission.arrayJob;
    return known.find((t) => t.id === `${job}_${shard}`) ?? known.find((t) => t.id.startsWith(`${job}_[`) && t.state === 'PENDING');
  };
  const keypointsClips = existsSync(target) ? (await listClipNames(target)).length : 0;
  const mergeTask = known.find((t) => t.id === submission.mergeJob);
  const shards: ShardStatus[] = [];
  for (let i = 1; i <= submission.shards; i++) {
    const part = parts.get(i);
    const task = taskOf(i);
    const outcomes = [...(part?.log.outcomes.values() ?? [])];
    shards.push({
      shard: i,
      phase: phaseOf(part, task, mergeTask?.state === 'COMPLETED' || (!part && keypointsClips > 0)),
      job: `${submission.resubmitted[String(i)] ?? submission.arrayJob}_${i}`,
      ...(task ? { slurm: `${task.state}${task.reason && task.reason !== 'None' ? ` (${task.reason})` : ''}` } : {}),
      clips: part?.log.clips.length ?? 0,
      extracted: outcomes.filter((o) => 'name' in o).length,
      failed: outcomes.filter((o) => 'error' in o).length,
    });
  }
  return { submission, shards, merge: { job: submission.mergeJob, ...(mergeTask ? { slurm: `${mergeTask.state}${mergeTask.reason && mergeTask.reason !== 'None' ? ` (${mergeTask.reason})` : ''}` } : {}) }, keypointsClips };
}
