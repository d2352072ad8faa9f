import type { z } from 'zod';
import type { MethodName, Methods, Result } from '../../api';
import type { ProjectStore } from '../project';

type RunMethod = Extract<MethodName, 'runs.setActive'>;
export type RunHandlers = { [M in RunMethod]: (params: z.output<Methods[M]['params']>) => Result<M> };

/**
 * Handlers for managing runs (which one the views use), kept out of StudioService. `changed` tells
 * the UI that runs and the clips' predictions changed.
 */
export function runHandlers(store: () => ProjectStore, changed: () => void): RunHandlers {
  return {
    'runs.setActive': ({ id }) => {
      const s = store();
      s.setActiveRun(id);
      changed();
      return s.summary();
    },
  };
}
