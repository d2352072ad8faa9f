import { randomUUID } from 'node:crypto';
import type { JobInfo, JobKind, JobProgress } from '../../api';
import { FromWorker } from './protocol';
import type { Spawner } from './spawner';

export interface JobHandle {
  readonly id: string;
  /** Settles with the final JobInfo: done, failed or cancelled. Never rejects. */
  readonly finished: Promise<JobInfo>;
  /** The worker's OS process id, where there is one. */
  readonly pid?: number;
  cancel(): void;
}

/** How long a worker may take to stop after `cancel` before it is killed. */
const CANCEL_GRACE_MS = 5000;

/**
 * Runs jobs in worker processes and keeps their state for the UI. One process per job: a crash
 * (or an out-of-memory kill) takes down that job only, and the runner reports it as failed.
 */
export class JobRunner {
  private readonly jobs = new Map<string, { info: JobInfo; cancel: () => void }>();
  private readonly listeners = new Set<(job: JobInfo) => void>();

  constructor(
    private readonly spawn: Spawner,
    private readonly cancelGraceMs = CANCEL_GRACE_MS,
  ) {}

  onUpdate(listener: (job: JobInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => j.info);
  }

  get(id: string): JobInfo | undefined {
    return this.jobs.get(id)?.info;
  }

  running(kind?: string): JobInfo | undefined {
    return this.list().find((j) => j.state === 'running' && (kind === undefined || j.kind === kind));
  }

  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job || job.info.state !== 'running') return false;
    job.cancel();
    return true;
  }

  start(kind: JobKind, params: unknown): JobHandle {
    const id = randomUUID();
    const info: JobInfo = {
      id,
      kind,
      state: 'running',
      progress: { done: 0, total: 0 },
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    const child = this.spawn(kind);
    let settled = false;
    let cancelRequested = false;
    let killTimer: NodeJS.Timeout | undefined;
    let resolveFinished!: (j: JobInfo) => void;
    const finished = new Promise<JobInfo>((r) => (resolveFinished = r));

    const update = (patch: Partial<JobInfo>) => {
      Object.assign(info, patch);
      const snapshot = { ...info, progress: { ...info.progress } };
      for (const l of this.listeners) l(snapshot);
    };
    const settle = (patch: Partial<JobInfo>) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      update({ ...patch, finishedAt: new Date().toISOString() });
      resolveFinished({ ...info });
    };

    child.onMessage((raw) => {
      const parsed = FromWorker.safeParse(raw);
      if (!parsed.success || settled) return;
      const m = parsed.data;
      if (m.type === 'progress') update({ progress: m.progress as JobProgress });
      else if (m.type === 'result') settle({ state: 'done', result: m.result });
      else if (m.type === 'error') settle({ state: m.cancelled ? 'cancelled' : 'failed', error: m.message });
    });
    child.onExit((code) => {
      if (cancelRequested) settle({ state: 'cancelled', error: 'Cancelled' });
      else settle({ state: 'failed', error: `The ${kind} worker stopped unexpectedly (exit code ${code ?? 'none'}); finished items are kept, start the job again to resume` });
    });
    const cancel = () => {
      if (settled || cancelRequested) return;
      cancelRequested = true;
      child.send({ type: 'cancel' });
      killTimer = setTimeout(() => child.kill(), this.cancelGraceMs);
    };
    this.jobs.set(id, { info, cancel });
    update({});
    child.send({ type: 'start', kind, params });
    return { id, finished, cancel, pid: child.pid };
  }
}
