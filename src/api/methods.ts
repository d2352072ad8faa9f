import { z } from 'zod';
import { AuditQueue, AuditSettings } from './audit';
import { ClassChange, ClassEvent, ClassName } from './classes';
import { Clip, ClipFilter, ClipPage, LabelChange, LabelEvent } from './clips';
import { ExtractionSettings, ExtractionStatus, MergeSummary } from './extraction';
import { JobInfo } from './jobs';
import { ClipKeypoints } from './keypoints';
import { FolderPrediction, FolderPredictionInfo } from './folder-predictions';
import { PredictionDetail, PredictionId, PredictionSummary } from './predictions';
import { RunDetail, RunEvaluation, RunExport, RunExportKind, RunInfo, TrainingSettings } from './runs';
import { ImportReport, ProjectSummary } from './project';

const Empty = z.object({}).strict();
const Id = z.number().int().positive();
/** Paths come from the user; the back end resolves and checks them, the schema only bounds them. */
const PathString = z.string().min(1).max(4096);

export const AppInfo = z.object({
  mode: z.enum(['electron', 'web']),
  version: z.string(),
  canPickFolder: z.boolean(),
  /** The ffmpeg that decodes videos, for people: "ffmpeg 5.1.9-0+deb12u1 (system)". */
  ffmpeg: z.string().max(300).optional(),
});
export type AppInfo = z.infer<typeof AppInfo>;

function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R) {
  return { params, result };
}

/**
 * The one contract between the UI and the back end. Both transports (Electron IPC and HTTP +
 * WebSocket) carry exactly these calls; the receiving side validates params, the client validates
 * results.
 */
export const methods = {
  'app.info': method(Empty, AppInfo),
  'dialog.pickFolder': method(z.object({ title: z.string().max(200).optional() }).strict(), z.string().nullable()),
  'project.create': method(z.object({ dir: PathString, name: z.string().min(1).max(200).optional() }).strict(), ProjectSummary),
  'project.open': method(z.object({ dir: PathString }).strict(), ProjectSummary),
  'project.summary': method(Empty, ProjectSummary.nullable()),
  'clips.import': method(
    z.object({ videoRoot: PathString }).strict(),
    z.object({ report: ImportReport, jobId: z.string().nullable() }),
  ),
  'clips.probe': method(Empty, z.object({ jobId: z.string().nullable() })),
  'clips.list': method(ClipFilter.strict(), ClipPage),
  'clips.position': method(
    ClipFilter.omit({ offset: true, limit: true }).extend({ id: Id }).strict(),
    z.object({ index: z.number().int().nullable() }),
  ),
  'clips.get': method(z.object({ id: Id }).strict(), Clip),
  'clips.keypoints': method(z.object({ id: Id }).strict(), ClipKeypoints),
  'clips.relabel': method(z.object({ clipIds: z.array(Id).min(1).max(20000), classId: Id }).strict(), LabelChange),
  /** A new class; with clipIds (the picker's "Create class"), those clips are relabelled into it in the same undoable action. */
  'classes.add': method(z.object({ name: ClassName, clipIds: z.array(Id).max(20000).optional() }).strict(), ClassChange),
  /** The name changes everywhere (the keypoints file at the next sync); the class's folder on disk keeps its name. */
  'classes.rename': method(z.object({ id: Id, name: ClassName }).strict(), ClassChange),
  /** Every clip of `id` becomes `into` (one undoable action); `id` leaves the lists, and its folder feeds `into`. */
  'classes.merge': method(z.object({ id: Id, into: Id }).strict(), ClassChange),
  'classes.history': method(Empty, z.array(ClassEvent)),
  /** Undo and redo take back relabels and class actions alike, in the order they happened. */
  'labels.undo': method(Empty, LabelChange.nullable()),
  'labels.redo': method(Empty, LabelChange.nullable()),
  'labels.history': method(z.object({ clipId: Id }).strict(), z.array(LabelEvent)),
  'extraction.status': method(Empty, ExtractionStatus),
  'extraction.start': method(
    z
      .object({
        which: z.enum(['pending', 'failed', 'all', 'selected']).default('pending'),
        clipIds: z.array(Id).max(100_000).optional(),
        settings: ExtractionSettings.partial().strict().optional(),
      })
      .strict(),
    z.object({ jobId: z.string() }),
  ),
  'extraction.merge': method(z.object({ partial: z.boolean().optional() }).strict(), MergeSummary),
  'project.relink': method(z.object({ videoRoot: PathString }).strict(), ProjectSummary),
  'training.defaults': method(Empty, TrainingSettings),
  'training.start': method(
    z.object({ settings: TrainingSettings.partial().strict().optional(), resumeRunId: Id.optional() }).strict(),
    z.object({ jobId: z.string(), runId: z.number().int() }),
  ),
  'audit.defaults': method(Empty, AuditSettings),
  'audit.start': method(
    z.object({ settings: AuditSettings.partial().strict().optional(), resumeAuditId: Id.optional() }).strict(),
    z.object({ jobId: z.string(), auditId: z.number().int() }),
  ),
  'audit.queue': method(Empty, AuditQueue),
  /** Enter in the queue: each clip gets the class the audit suggests (one undoable action). */
  'audit.accept': method(z.object({ auditId: Id, clipIds: z.array(Id).min(1).max(20000) }).strict(), LabelChange),
  /** K in the queue: the label stays, recorded as reviewed; the audit does not flag the clip again. */
  'audit.keep': method(z.object({ auditId: Id, clipIds: z.array(Id).min(1).max(20000) }).strict(), LabelChange),
  'runs.list': method(Empty, z.array(RunInfo)),
  'runs.get': method(z.object({ id: Id }).strict(), RunDetail),
  'runs.rename': method(z.object({ id: Id, name: z.string().trim().min(1).max(200) }).strict(), RunInfo),
  'runs.annotate': method(z.object({ id: Id, note: z.string().max(10_000) }).strict(), RunInfo),
  'runs.delete': method(z.object({ id: Id }).strict(), z.object({ name: z.string(), filesRemoved: z.boolean() })),
  'runs.setActive': method(z.object({ id: Id.nullable() }).strict(), ProjectSummary),
  'runs.evaluation': method(z.object({ id: Id, split: z.enum(['train', 'val', 'test']).default('test') }).strict(), RunEvaluation),
  /** The HTML report, metrics or predictions as CSV, or the model folder as a zip, to save. */
  'runs.export': method(z.object({ id: Id, what: RunExportKind }).strict(), RunExport),
  'predict.start': method(
    z.object({ runId: Id, video: PathString.optional(), uploadId: PredictionId.optional() }).strict(),
    z.object({ jobId: z.string(), predictionId: PredictionId }),
  ),
  'predict.list': method(Empty, z.array(PredictionSummary)),
  /** Every video below a folder the user names, predicted with one run as a job; results kept in the project. */
  'predict.folderStart': method(z.object({ runId: Id, folder: PathString }).strict(), z.object({ jobId: z.string(), id: PredictionId })),
  'predict.folders': method(Empty, z.array(FolderPredictionInfo)),
  'predict.folderGet': method(z.object({ id: PredictionId }).strict(), FolderPrediction),
  /** The folder's results as CSV (RFC 4180), as `gstudio predict <run> <folder> --csv` writes them. */
  'predict.folderCsv': method(z.object({ id: PredictionId }).strict(), z.object({ fileName: z.string(), text: z.string() })),
  /** Live prediction: the latest frames' hands (as Tasks gives them for the unmirrored picture) classified by a run's model. */
  'live.predict': method(
    z
      .object({
        runId: Id,
        frames: z
          .array(
            z.object({
              hands: z
                .array(
                  z.object({
                    handedness: z.enum(['Left', 'Right']),
                    handednessScore: z.number().min(0).max(1),
                    score: z.number().min(0).max(1),
                    landmarks: z.array(z.tuple([z.number(), z.number(), z.number()])).length(21),
                  }).strict(),
                )
                .max(2),
            }).strict(),
          )
          .min(1)
          .max(120),
      })
      .strict(),
    z.object({
      label: z.string(),
      confidence: z.number(),
      top: z.array(z.object({ label: z.string(), probability: z.number() })),
      seqLen: z.number().int(),
      framesWithHands: z.number().int(),
    }),
  ),
  /** A clip recorded in the Capture view (uploaded first) into a class's folder, imported at once. */
  'capture.save': method(
    z.object({ uploadId: PredictionId, className: z.string().min(1).max(200) }).strict(),
    z.object({ relPath: z.string(), clipId: z.number().int().nullable(), probeJobId: z.string().nullable() }),
  ),
  'predict.get': method(z.object({ id: PredictionId }).strict(), PredictionDetail),
  'jobs.list': method(Empty, z.array(JobInfo)),
  'jobs.cancel': method(z.object({ id: z.string().min(1).max(100) }).strict(), z.object({ cancelled: z.boolean() })),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = z.input<Methods[M]['params']>;
export type Result<M extends MethodName> = z.infer<Methods[M]['result']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}
