import type { z } from 'zod';
import type { Methods, Result } from '../../api';
import type { ProjectStore } from '../project';

type ClassMethod = 'classes.add' | 'classes.rename' | 'classes.merge' | 'classes.history';
export type ClassHandlers = { [M in ClassMethod]: (params: z.output<Methods[M]['params']>) => Result<M> };

/**
 * Classes managed in the studio, kept out of StudioService. Each change is one action on the undo
 * stack (labels.undo / labels.redo); `changed` tells the UI that classes and clips' labels changed.
 */
export function classHandlers(store: () => ProjectStore, author: string, changed: () => void): ClassHandlers {
  const done = <T>(result: T): T => {
    changed();
    return result;
  };
  return {
    'classes.add': ({ name, clipIds }) => done(store().classes.add(name, author, clipIds)),
    'classes.rename': ({ id, name }) => done(store().classes.rename(id, name, author)),
    'classes.merge': ({ id, into }) => done(store().classes.merge(id, into, author)),
    'classes.history': () => store().classes.history(),
  };
}
