import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobInfo, JobKind } from '../../api';
import { JobRunner } from './job-runner';
import { forkSpawner } from './spawner';

const runner = (grace = 5000) => new JobRunner(forkSpawner(join(__dirname, 'test-fixtures', 'test-worker.ts')), grace);
// The fixture's kinds are not product kinds.
const kind = (k: string) => k as JobKind;

describe('jobs in a real forked process', () => {
  it('stream progress and end with the result', async () => {
    const r = runner();
    const updates: JobInfo[] = [];
    r.onUpdate((j) => updates.push(j));
    const job = r.start(kind('count'), { n: 5, delayMs: 5 });
    const final = await job.finished;
    expect(final.state).toBe('done');
    expect(final.result).toMatchObject({ counted: 5 });
    expect((final.result as { pid: number }).pid).not.toBe(process.pid);
    expect(updates.filter((u) => u.state === 'running').map((u) => u.progress.done).filter((d) => d > 0)).toEqual([1, 2, 3, 4, 5]);
    expect(r.get(job.id)?.state).toBe('done');
  });

  it('cancel a running job', async () => {
    const r = runner();
    const job = r.start(kind('count'), { n: 1000, delayMs: 10 });
    await new Promise<void>((res) => r.onUpdate((j) => j.progress.done >= 3 && res()));
    expect(r.cancel(job.id)).toBe(true);
    const final = await job.finished;
    expect(final.state).toBe('cancelled');
    expect(final.progress.done).toBeLessThan(1000);
    expect(r.cancel(job.id)).toBe(false);
  });

  it('kill a job that ignores cancel', async () => {
    const r = runner(300);
    const job = r.start(kind('stubborn'), {});
    await new Promise((res) => setTimeout(res, 500));
    r.cancel(job.id);
    expect((await job.finished).state).toBe('cancelled');
  });

  it('report a worker that crashes', async () => {
    const final = await runner().start(kind('crash'), {}).finished;
    expect(final.state).toBe('failed');
    expect(final.error).toMatch(/stopped unexpectedly \(exit code 3\)/);
    expect(final.progress.done).toBe(1);
  });

  it('report an error thrown by the job, and an unknown kind', async () => {
    const r = runner();
    expect(await r.start(kind('fail'), {}).finished).toMatchObject({ state: 'failed', error: 'the input was bad' });
    expect(await r.start(kind('nope'), {}).finished).toMatchObject({ state: 'failed', error: 'Unknown job kind "nope"' });
  });
});
