import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { isProcessAlive } from '../process-alive';

export { isProcessAlive };

const Entry = z.object({ jobId: z.string(), kind: z.string(), pid: z.number().int().positive(), startedAt: z.string() });
type Entry = z.infer<typeof Entry>;
const Ledger = z.array(Entry);

export interface LeftoverWorker extends Entry {
  /** Still running when the studio came back (it was then stopped), or already gone. */
  wasRunning: boolean;
}

/** On Linux, checks that a live pid is still one of our workers and not a reused id. */
function looksLikeOurWorker(pid: number): boolean {
  try {
    return /worker/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * The job workers in flight, in a file of the project: a studio that was killed cannot stop
 * them, so the next one that opens the project stops what is left and reports it.
 */
export class WorkerLedger {
  constructor(private readonly file: string) {}

  private read(): Entry[] {
    if (!existsSync(this.file)) return [];
    try {
      const parsed = Ledger.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  /** Best effort: a project on a read-only disk still runs its jobs, only without this safety net. */
  private write(entries: Entry[]): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify(entries));
      renameSync(tmp, this.file);
    } catch (err) {
      console.warn(`[gstudio] could not record the workers in flight in ${this.file}: ${(err as Error).message}`);
    }
  }

  add(entry: Entry): void {
    this.write([...this.read().filter((e) => e.jobId !== entry.jobId), entry]);
  }

  remove(jobId: string): void {
    this.write(this.read().filter((e) => e.jobId !== jobId));
  }

  /** Stops every worker a previous studio left running and empties the ledger; returns what was there. */
  reclaim(): LeftoverWorker[] {
    const left = this.read().map((e) => {
      const wasRunning = e.pid !== process.pid && isProcessAlive(e.pid) && looksLikeOurWorker(e.pid);
      if (wasRunning) {
        try {
          process.kill(e.pid, 'SIGKILL');
        } catch {
          // it ended on its own meanwhile
        }
      }
      return { ...e, wasRunning };
    });
    if (left.length > 0) this.write([]);
    return left;
  }
}
