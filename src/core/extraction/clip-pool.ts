import { StudioError } from '../errors';
import type { ClipExtraction } from '../keypoints/extract-clip';
import type { ExtractionSettings } from './extraction-settings';
import { startClipProcess, type ClipProcess } from './clip-process';
import { FromClipWorker } from './pool-protocol';

export interface ClipTask {
  id: number;
  path: string;
}

export interface PoolEvents {
  /** A worker took the clip (clips wait in the queue until then). */
  onStart?(id: number): void;
  onFrames?(id: number, done: number, total: number | null): void;
}

interface Slot {
  child: ClipProcess;
  ready: Promise<void>;
  busy: { task: ClipTask; resolve: (r: ClipExtraction) => void; reject: (e: Error) => void } | null;
}

/**
 * N long-lived processes, each with its own models, taking clips from a shared queue. A process
 * that dies takes only its current clip with it (that clip fails, a fresh process replaces it).
 */
export class ClipPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: { task: ClipTask; resolve: (r: ClipExtraction) => void; reject: (e: Error) => void }[] = [];
  private closed = false;
  detectorWarning: string | undefined;

  constructor(
    private readonly script: string,
    private readonly settings: ExtractionSettings,
    size: number,
    private readonly events: PoolEvents = {},
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Resolves when every process has its models loaded; rejects with the reason when they cannot load. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  extract(task: ClipTask): Promise<ClipExtraction> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every process; clips in progress or queued are rejected as cancelled. */
  close(): void {
    this.closed = true;
    for (const s of this.slots) {
      s.child.kill();
      s.busy?.reject(new StudioError('cancelled', 'Cancelled'));
      s.busy = null;
    }
    for (const w of this.waiting.splice(0)) w.reject(new StudioError('cancelled', 'Cancelled'));
  }

  private spawn(): Slot {
    const child = startClipProcess(this.script);
    let markReady!: () => void;
    let failReady!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    ready.catch(() => undefined);
    const slot: Slot = { child, ready, busy: null };
    child.onMessage((raw) => {
      const parsed = FromClipWorker.safeParse(raw);
      if (!parsed.success) return;
      const m = parsed.data;
      if (m.type === 'ready') {
        this.detectorWarning ??= m.detectorWarning;
        markReady();
        this.dispatch();
      } else if (m.type === 'init-error') failReady(new StudioError('models', m.message));
      else if (m.type === 'frames') this.events.onFrames?.(m.id, m.done, m.total);
      else if (slot.busy && slot.busy.task.id === m.id) {
        const job = slot.busy;
        slot.busy = null;
        if (m.type === 'result') job.resolve(m.extraction as ClipExtraction);
        else job.reject(new StudioError(m.code, m.message));
        this.dispatch();
      }
    });
    child.onExit((code, signal) => {
      failReady(new StudioError('worker_exit', `An extraction worker stopped while loading its models (exit ${code ?? signal})`));
      if (this.closed) return;
      const job = slot.busy;
      slot.busy = null;
      job?.reject(new StudioError('worker_crashed', `The extraction worker stopped while on this clip (exit ${code ?? signal}; out of memory?)`));
      // Replace the process so the remaining clips go on.
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
      this.dispatch();
    });
    child.send({ type: 'init', settings: this.settings });
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.waiting.length === 0) return;
      if (slot.busy || !slot.child.alive) continue;
      // Only a process whose models are loaded takes work; `ready` resolves once.
      void slot.ready.then(
        () => {
          if (slot.busy || this.waiting.length === 0 || !slot.child.alive) return;
          const next = this.waiting.shift()!;
          slot.busy = next;
          slot.child.send({ type: 'clip', id: next.task.id, path: next.task.path });
          this.events.onStart?.(next.task.id);
        },
        () => undefined,
      );
    }
  }
}
