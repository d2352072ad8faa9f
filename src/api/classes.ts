import { z } from 'zod';
import { LabelChange } from './clips';

/** What a class action changed: the notice, the clips relabelled, and the class it made or changed. */
export const ClassChange = LabelChange.extend({ classId: z.number().int() });
export type ClassChange = z.infer<typeof ClassChange>;

/** One class action in the project's history (who, when, and whether it is undone). */
export const ClassEvent = z.object({
  id: z.number().int(),
  kind: z.enum(['add', 'rename', 'merge']),
  /** The class's name now (a merged class keeps its last name). */
  className: z.string(),
  /** rename: from and to; add: the name given; merge: the class's name then and the class it went into. */
  oldName: z.string().nullable(),
  newName: z.string().nullable(),
  intoName: z.string().nullable(),
  /** Clips the action relabelled (a merge's clips, those a class was made for). */
  clips: z.number().int(),
  author: z.string(),
  at: z.string(),
  state: z.enum(['applied', 'undone', 'dropped']),
});
export type ClassEvent = z.infer<typeof ClassEvent>;

/** Names are checked by the back end (empty, duplicate, unsafe as a folder): the schema only bounds them. */
export const ClassName = z.string().max(1000);
