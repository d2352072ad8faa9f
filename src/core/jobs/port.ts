import { isMainThread, parentPort as threadPort } from 'node:worker_threads';

/**
 * The smallest channel a job worker needs. Electron's utilityProcess (`process.parentPort`),
 * Node's `child_process.fork` (`process.send`) and a worker thread (`parentPort`) all satisfy it,
 * so one worker runs under any.
 */
export interface WorkerPort {
  post(message: unknown): void;
  /** Messages that arrived before the first listener are queued and delivered to it. */
  onMessage(listener: (message: unknown) => void): void;
  /** Resolves when every posted message has left the process (call before exiting). */
  drain(): Promise<void>;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

function queued(
  subscribe: (deliver: (m: unknown) => void) => void,
  post: (m: unknown) => void,
  drain: () => Promise<void>,
): WorkerPort {
  const backlog: unknown[] = [];
  let listener: ((m: unknown) => void) | null = null;
  subscribe((m) => (listener ? listener(m) : backlog.push(m)));
  return {
    post,
    drain,
    onMessage(l) {
      listener = l;
      for (const m of backlog.splice(0)) l(m);
    },
  };
}

/** The port of the current process (or worker thread), whichever way it was started. */
export function currentProcessPort(): WorkerPort {
  if (!isMainThread && threadPort) {
    const port = threadPort;
    return queued(
      (deliver) => port.on('message', deliver),
      (m) => port.postMessage(m),
      () => new Promise((r) => setImmediate(r)),
    );
  }
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return queued(
      (deliver) => parentPort.on('message', (e) => deliver(e.data)),
      (m) => parentPort.postMessage(m),
      () => new Promise((r) => setImmediate(r)),
    );
  }
  if (process.send) {
    // The studio that started this worker is gone (killed, crashed): nobody can read the results
    // or cancel, so stop rather than run on as an orphan. Its own workers see their channel close too.
    process.once('disconnect', () => process.exit(70));
    const send = process.send.bind(process);
    let pending = 0;
    const waiters: (() => void)[] = [];
    const settle = () => {
      if (--pending === 0) for (const w of waiters.splice(0)) w();
    };
    return queued(
      (deliver) => process.on('message', deliver),
      (m) => {
        pending++;
        send(m, undefined, {}, settle);
      },
      () => (pending === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    );
  }
  throw new Error('This process was not started as a job worker (no parent port, no IPC channel)');
}
