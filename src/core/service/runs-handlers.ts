import { existsSync, rmSync } from 'node:fs';
import { relative, resolve, sep, isAbsolute } from 'node:path';
import type { z } from 'zod';
import type { MethodName, Methods, Result } from '../../api';
import { projectFiles, type ProjectStore } from '../project';
import { runInfo } from '../runs/run-views';

type RunMethod = Extract<MethodName, 'runs.setActive' | 'runs.rename' | 'runs.annotate' | 'runs.delete'>;
export type RunHandlers = { [M in RunMethod]: (params: z.output<Methods[M]['params']>) => Result<M> };

/**
 * Handlers for managing runs (which one the views use, names, notes, deletion), kept out of
 * StudioService. `changed` tells the UI that runs and the clips' predictions changed.
 */
export function runHandlers(store: () => ProjectStore, changed: () => void): RunHandlers {
  const info = (s: ProjectStore, id: number) => runInfo(s.runs().find((r) => r.id === id)!);
  return {
    'runs.setActive': ({ id }) => {
      const s = store();
      s.setActiveRun(id);
      changed();
      return s.summary();
    },
    'runs.rename': ({ id, name }) => {
      const s = store();
      s.renameRun(id, name);
      changed();
      return info(s, id);
    },
    'runs.annotate': ({ id, note }) => {
      const s = store();
      s.annotateRun(id, note);
      changed();
      return info(s, id);
    },
    'runs.delete': ({ id }) => {
      const s = store();
      const run = s.deleteRun(id);
      // Only a folder inside the project's runs/ is removed: a run directory is never trusted blindly.
      const runsDir = resolve(projectFiles(s.dir).runs);
      const dir = resolve(run.run_dir);
      const rel = relative(runsDir, dir);
      const inside = rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
      let filesRemoved = false;
      if (inside && existsSync(dir)) {
        rmSync(dir, { recursive: true, force: true });
        filesRemoved = true;
      }
      changed();
      return { name: run.name, filesRemoved };
    },
  };
}
