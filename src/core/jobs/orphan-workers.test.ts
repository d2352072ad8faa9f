import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ProjectStore } from '../project';
import { StudioService } from '../service';
import { forkSpawner } from './spawner';
import { isProcessAlive, WorkerLedger } from './worker-ledger';
import { nodeExecArgv } from './node-exec-argv';

const tmp = mkdtempSync(join(tmpdir(), 'gstudio-orphans-'));
const started: number[] = [];
afterAll(() => {
  for (const pid of started) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

async function gone(pid: number, withinMs: number): Promise<boolean> {
  for (let t = 0; t < withinMs; t += 100) {
    if (!isProcessAlive(pid)) return true;
    await sleep(100);
  }
  return !isProcessAlive(pid);
}

describe('a studio that dies takes its workers with it', () => {
  it('a job worker exits when its studio is killed with SIGKILL', async () => {
    const script = join(__dirname, 'test-fixtures', 'studio-parent.ts');
    const studio = spawn(process.execPath, [...nodeExecArgv(script), script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const workerPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      studio.stdout.on('data', (d) => {
        out += d;
        const m = /worker (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      studio.on('exit', () => reject(new Error(`the stand-in studio exited: ${out}`)));
    });
    started.push(workerPid);
    await sleep(500); // the worker is up and inside its 60 s job
    expect(isProcessAlive(workerPid)).toBe(true);
    studio.kill('SIGKILL');
    expect(await gone(workerPid, 5000)).toBe(true);
  });

  it('the next studio stops a worker that is still running and reports what was in flight', async () => {
    // A process that looks like a worker and would run for ever.
    const stray = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'stray-job-worker'], { stdio: 'ignore' });
    const dead = spawn(process.execPath, ['-e', '', 'finished-job-worker'], { stdio: 'ignore' });
    await new Promise((r) => dead.on('exit', r));
    await sleep(200);
    const ledger = new WorkerLedger(join(tmp, '.cache', 'workers-in-flight.json'));
    ledger.add({ jobId: 'a', kind: 'extract', pid: stray.pid!, startedAt: '2026-12-02T10:00:00Z' });
    ledger.add({ jobId: 'b', kind: 'train', pid: dead.pid!, startedAt: '2026-12-02T10:01:00Z' });
    ledger.add({ jobId: 'c', kind: 'probe', pid: 1, startedAt: '2026-12-02T10:02:00Z' }); // a reused pid is left alone
    ledger.remove('c');
    const left = ledger.reclaim();
    expect(left.map((w) => [w.kind, w.wasRunning])).toEqual([
      ['extract', true],
      ['train', false],
    ]);
    expect(await gone(stray.pid!, 3000)).toBe(true);
    expect(ledger.reclaim()).toEqual([]);
  });

  it('does not stop a live process whose pid was reused by something else', () => {
    const ledger = new WorkerLedger(join(tmp, 'other.json'));
    ledger.add({ jobId: 'x', kind: 'probe', pid: process.pid, startedAt: 'now' });
    ledger.add({ jobId: 'y', kind: 'probe', pid: 1, startedAt: 'now' });
    expect(ledger.reclaim().map((w) => w.wasRunning)).toEqual([false, false]);
  });

  it('a studio opening the project stops what a killed one left, says so, and marks its job interrupted', async () => {
    const dir = join(tmp, 'project');
    const store = ProjectStore.create(dir);
    store.recordJob({ id: 'j1', kind: 'extract', state: 'running', progress: { done: 3, total: 9 }, error: null, startedAt: '2026-12-02T10:00:00Z', finishedAt: null }, { projectDir: dir });
    store.close();
    const stray = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'stray-job-worker'], { stdio: 'ignore' });
    started.push(stray.pid!);
    await sleep(200);
    new WorkerLedger(join(dir, '.cache', 'workers-in-flight.json')).add({ jobId: 'j1', kind: 'extract', pid: stray.pid!, startedAt: '2026-12-02T10:00:00Z' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const service = new StudioService({ mode: 'web', version: 'test', spawner: forkSpawner(join(__dirname, 'test-fixtures', 'test-worker.ts')) }, { projectDir: dir });
    try {
      expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(new RegExp(`The extract job started 2026-12-02T10:00:00Z was interrupted when the studio stopped \\(its worker, pid ${stray.pid}, was still running and has been stopped\\)`));
      expect(await gone(stray.pid!, 3000)).toBe(true);
    } finally {
      warn.mockRestore();
      service.close();
    }
    const reopened = ProjectStore.open(dir);
    expect((reopened.db.prepare("SELECT status FROM jobs WHERE id = 'j1'").get() as { status: string }).status).toBe('interrupted');
    reopened.close();
  });
});
