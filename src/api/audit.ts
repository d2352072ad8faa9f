import { z } from 'zod';
import { TrainingSettings } from './runs';

/** How flagged clips are ordered: p(given label), or the normalised margin to the strongest other class. */
export const AuditRanking = z.enum(['self_confidence', 'normalized_margin']);
export type AuditRanking = z.infer<typeof AuditRanking>;

/** A label audit: the Training view's settings, plus folds and ranking. */
export const AuditSettings = TrainingSettings.extend({
  folds: z.number().int().min(2).max(20).default(5),
  ranking: AuditRanking.default('self_confidence'),
});
export type AuditSettings = z.infer<typeof AuditSettings>;

export const AuditClassNoise = z.object({
  label: z.string(),
  clips: z.number().int(),
  flagged: z.number().int(),
  /** Estimated share of the clips carrying this label whose true class is another (confident joint row). */
  estimatedNoise: z.number(),
  /** t_j: mean out-of-fold p(j) over clips labelled j; null for a class left out. */
  threshold: z.number().nullable(),
});
export type AuditClassNoise = z.infer<typeof AuditClassNoise>;

/** What an audit found, for the CLI, the views and the report. */
export const AuditReport = z.object({
  labels: z.array(z.string()),
  folds: z.number().int(),
  foldsRequested: z.number().int(),
  ranking: AuditRanking,
  clips: z.number().int(),
  flagged: z.number().int(),
  noiseOverall: z.number(),
  /** Share of audited clips whose out-of-fold prediction is their given label: near chance, the scores mean little. */
  outOfFoldAccuracy: z.number(),
  perClass: z.array(AuditClassNoise),
  /** C[given][true] over `labels`. */
  confidentJoint: z.array(z.array(z.number().int())),
  overlaps: z.array(z.object({ a: z.string(), b: z.string(), share: z.number() })),
  /** Clips and classes not audited, each with the reason. */
  excluded: z.array(z.object({ what: z.string(), reason: z.string() })),
  warnings: z.array(z.string()),
  foldSeconds: z.array(z.number()),
  durationSeconds: z.number(),
});
export type AuditReport = z.infer<typeof AuditReport>;

export const AuditInfo = z.object({
  id: z.number().int(),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  report: AuditReport.nullable(),
  /** Clips whose label was changed since the audit ran, other than through its queue. */
  changedElsewhere: z.number().int(),
  /** The scores were made with labels that have changed since: run the audit again. */
  stale: z.boolean(),
  /** Flagged clips still waiting for review. */
  pending: z.number().int(),
});
export type AuditInfo = z.infer<typeof AuditInfo>;

export const AuditQueueRow = z.object({
  clipId: z.number().int(),
  relPath: z.string(),
  name: z.string(),
  givenClass: z.string(),
  suggestedClass: z.string(),
  suggestedClassId: z.number().int(),
  /** Label quality in [0, 1] (lower = more likely wrong); the queue is sorted by it. */
  score: z.number(),
  rank: z.number().int(),
  fold: z.number().int(),
});
export type AuditQueueRow = z.infer<typeof AuditQueueRow>;

export const AuditQueue = z.object({
  /** The latest finished audit, whose flagged clips the queue lists. */
  audit: AuditInfo.nullable(),
  /** The latest audit of any status (running, failed, cancelled), when newer than `audit`. */
  latest: AuditInfo.nullable(),
  rows: z.array(AuditQueueRow),
});
export type AuditQueue = z.infer<typeof AuditQueue>;
