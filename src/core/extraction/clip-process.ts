import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { nodeExecArgv } from '../jobs/node-exec-argv';

/** What the extraction pool needs of one worker: a child process or a worker thread. */
export interface ClipProcess {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Once, when it has stopped: an exit code or a signal name. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
  readonly alive: boolean;
}

export type ClipWorkerKind = 'process' | 'thread';

/**
 * Processes where they can be forked (a crash takes only one clip). Inside Electron a fork would
 * need ELECTRON_RUN_AS_NODE, which the packaged app's RunAsNode fuse turns off (the binary would
 * start the app again), so there the workers are threads of the job's utility process.
 * GSTUDIO_CLIP_WORKERS=process|thread chooses.
 */
export function clipWorkerKind(env: NodeJS.ProcessEnv = process.env, versions: { electron?: string } = process.versions): ClipWorkerKind {
  if (env.GSTUDIO_CLIP_WORKERS === 'thread' || env.GSTUDIO_CLIP_WORKERS === 'process') return env.GSTUDIO_CLIP_WORKERS;
  return versions.electron ? 'thread' : 'process';
}

export function startClipProcess(script: string, kind: ClipWorkerKind = clipWorkerKind()): ClipProcess {
  return kind === 'thread' ? startThread(script) : startFork(script);
}

function startFork(script: string): ClipProcess {
  const child = fork(script, [], {
    execArgv: nodeExecArgv(script),
    // Inside (unpackaged) Electron, process.execPath is the app: run it as plain Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return {
    send: (m) => void (child.connected && child.send(m as object)),
    onMessage: (l) => void child.on('message', l),
    onExit: (l) => void child.on('exit', (code, signal) => l(code, signal)),
    kill: () => void child.kill('SIGKILL'),
    get alive() {
      return child.connected;
    },
  };
}

function startThread(script: string): ClipProcess {
  // A thread cannot take tsx's loader from execArgv: threads run the bundled entries (out/main).
  if (script.endsWith('.ts')) throw new Error(`Extraction threads run a bundled worker entry, not ${script}: build first (npm run build) or use GSTUDIO_CLIP_WORKERS=process`);
  const worker = new Worker(script, { stdout: false, stderr: false });
  let alive = true;
  worker.on('error', () => undefined); // an uncaught error ends the thread: reported by 'exit'
  worker.on('exit', () => (alive = false));
  return {
    send: (m) => void (alive && worker.postMessage(m)),
    onMessage: (l) => void worker.on('message', l),
    onExit: (l) => void worker.on('exit', (code) => l(code, null)),
    kill: () => void worker.terminate(),
    get alive() {
      return alive;
    },
  };
}
