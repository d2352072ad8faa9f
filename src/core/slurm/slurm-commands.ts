import { spawnSync } from 'node:child_process';
import { StudioError } from '../errors';

/** Runs a SLURM client command (sbatch, squeue, scontrol, scancel, sacct); its stdout, or a typed error naming the command. */
export function runSlurm(command: string, args: string[], opts: { allowFailure?: boolean } = {}): { ok: boolean; out: string; err: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new StudioError('slurm_missing', `${command} is not on PATH: run this on a SLURM login node (or where the SLURM client commands are installed)`);
  }
  const ok = r.status === 0;
  if (!ok && !opts.allowFailure) {
    throw new StudioError('slurm_failed', `${command} ${args.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error ?? '')).trim().split('\n')[0]}`);
  }
  return { ok, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/** `sbatch --parsable …` -> the job id. */
export function sbatch(args: string[]): string {
  const { out } = runSlurm('sbatch', ['--parsable', ...args]);
  const id = out.trim().split(';')[0];
  if (!/^\d+$/.test(id)) throw new StudioError('slurm_failed', `sbatch did not print a job id (it printed "${out.trim()}")`);
  return id;
}

export interface TaskState {
  /** "123_4" for an array task, "123" for a job. */
  id: string;
  arrayTask: number | null;
  state: string;
  reason: string;
  exitCode?: string;
}

/** Live jobs (pending, running) of the given job ids, per array task. */
export function squeueStates(jobIds: string[]): TaskState[] {
  if (jobIds.length === 0) return [];
  // -r: one line per array task, also the pending ones.
  const { ok, out } = runSlurm('squeue', ['-h', '-r', '-j', jobIds.join(','), '-o', '%i|%T|%r'], { allowFailure: true });
  if (!ok) return [];
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, state, reason] = line.split('|');
      const task = /_(\d+)$/.exec(id);
      return { id, arrayTask: task ? Number(task[1]) : null, state, reason };
    });
}

/**
 * Ended jobs too: sacct where accounting is on, else `scontrol show job` (which knows jobs that
 * ended within MinJobAge). Empty where neither knows the job any more.
 */
export function endedStates(jobIds: string[]): TaskState[] {
  if (jobIds.length === 0) return [];
  const acct = runSlurm('sacct', ['-n', '-P', '-X', '-j', jobIds.join(','), '-o', 'JobID,State,ExitCode'], { allowFailure: true });
  if (acct.ok && acct.out.trim()) return parseSacct(acct.out);
  const states: TaskState[] = [];
  for (const jobId of jobIds) {
    const r = runSlurm('scontrol', ['show', 'job', '-o', jobId], { allowFailure: true });
    if (r.ok) states.push(...parseScontrolJobs(r.out));
  }
  return states;
}

/**
 * `sacct -n -P -X -o JobID,State,ExitCode` lines: "123_4|COMPLETED|0:0", "123_2|CANCELLED by 1000|0:15",
 * "123_[5-8]|PENDING|0:0" (array tasks not started yet), "124|FAILED|1:0".
 */
export function parseSacct(out: string): TaskState[] {
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [id, state = '', exitCode] = line.split('|');
      const task = /_(\d+)$/.exec(id);
      return { id, arrayTask: task ? Number(task[1]) : null, state: state.split(' ')[0], reason: '', exitCode };
    });
}

/** `scontrol show job -o` lines (one per job or array task): "JobId=125 ArrayJobId=123 ArrayTaskId=2 … JobState=FAILED Reason=NonZeroExitCode …". */
export function parseScontrolJobs(out: string): TaskState[] {
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const field = (k: string) => new RegExp(`(?:^| )${k}=(\\S*)`).exec(line)?.[1] ?? '';
      const task = field('ArrayTaskId');
      const arrayTask = /^\d+$/.test(task) ? Number(task) : null;
      return { id: arrayTask !== null ? `${field('ArrayJobId')}_${task}` : field('JobId'), arrayTask, state: field('JobState'), reason: field('Reason'), exitCode: field('ExitCode') };
    });
}
