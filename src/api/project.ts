import { z } from 'zod';

export const ProjectInfo = z.object({
  dir: z.string(),
  name: z.string(),
  videoRoot: z.string().nullable(),
  createdAt: z.string(),
  schemaVersion: z.number().int(),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

/** Clip counts of a class or of the whole project. */
export const ClipCounts = z.object({
  clips: z.number().int(),
  ok: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  durationSeconds: z.number(),
  /** Extraction coverage of the readable clips. */
  extracted: z.number().int(),
  extractFailed: z.number().int(),
});
export type ClipCounts = z.infer<typeof ClipCounts>;

/** `folders`: the folders of the video folder whose clips go to this class (none for a class made in the studio). */
export const ClassSummary = ClipCounts.extend({ id: z.number().int(), name: z.string(), folders: z.array(z.string()).default([]) });
export type ClassSummary = z.infer<typeof ClassSummary>;

/** Something about the project that needs the user (shown where the project opens, and by the CLI). */
export const ProjectNotice = z.object({
  /** parts_to_merge: a sharded extraction's part files wait for the merge (extraction.merge);
   *  video_root_missing: the clips' folder is not on this machine (project.relink). */
  kind: z.enum(['parts_to_merge', 'video_root_missing']),
  message: z.string(),
});
export type ProjectNotice = z.infer<typeof ProjectNotice>;
/** The run whose predictions the views use: chosen by the researcher, or else the best by validation F1. */
export const ActiveRun = z.object({ id: z.number().int(), name: z.string(), bestValF1: z.number().nullable(), chosen: z.boolean() });
export type ActiveRun = z.infer<typeof ActiveRun>;

export const ProjectSummary = z.object({
  project: ProjectInfo,
  classes: z.array(ClassSummary),
  totals: ClipCounts,
  notices: z.array(ProjectNotice).optional(),
  activeRun: ActiveRun.nullable(),
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;

/** What an import found on disk besides the clips it took. */
export const ImportReport = z.object({
  videoRoot: z.string(),
  classes: z.array(z.string()),
  added: z.number().int(),
  unchanged: z.number().int(),
  missing: z.number().int(),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** Files with the same content (relative paths), each group at least two: one recording counted twice. */
  duplicates: z.array(z.object({ paths: z.array(z.string()), classes: z.array(z.string()) })).default([]),
});
export type ImportReport = z.infer<typeof ImportReport>;
