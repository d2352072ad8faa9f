import { utilityProcess } from 'electron';
import type { Spawner } from '../core/jobs';

/** Jobs in Electron's utility processes: the same worker entry as Node's fork. */
export function utilitySpawner(script: string): Spawner {
  return (name) => {
    const child = utilityProcess.fork(script, [], { serviceName: `gstudio ${name}`, stdio: 'inherit' });
    return {
      send: (m) => child.postMessage(m),
      onMessage: (l) => child.on('message', l),
      onExit: (l) => child.on('exit', (code) => l(code)),
      kill: () => void child.kill(),
    };
  };
}
