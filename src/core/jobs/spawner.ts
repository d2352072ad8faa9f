import { fork } from 'node:child_process';
import { nodeExecArgv } from './node-exec-argv';

/** The parent's handle on a worker process: what Node's ChildProcess and Electron's UtilityProcess share. */
export interface WorkerProcess {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
  /** The OS process id, where there is one (diagnostics and tests). */
  readonly pid?: number;
}

export type Spawner = (name: string) => WorkerProcess;

/** Node: `child_process.fork`; a .ts entry runs through tsx (development, CLI, tests). */
export function forkSpawner(script: string, env: NodeJS.ProcessEnv = process.env): Spawner {
  return () => {
    const child = fork(script, [], {
      execArgv: nodeExecArgv(script),
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    return {
      send: (m) => {
        if (child.connected) child.send(m as object);
      },
      onMessage: (l) => child.on('message', l),
      onExit: (l) => child.on('exit', (code) => l(code)),
      kill: () => child.kill('SIGKILL'),
      pid: child.pid,
    };
  };
}
