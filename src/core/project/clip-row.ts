import { basename } from 'node:path';
import type { Clip } from '../../api';

/** A clips row joined with its class names, as SQLite returns it. */
export interface ClipRow {
  id: number;
  rel_path: string;
  class_id: number;
  class_name: string;
  folder_class_name: string;
  size_bytes: number | null;
  duration: number | null;
  fps: number | null;
  frame_count: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  rotation: number | null;
  status: Clip['status'];
  error: string | null;
  extract_status: Clip['extractStatus'];
  extract_error: string | null;
  hands_fraction: number | null;
  predicted_class: string | null;
  /** The class id the run answered (before following merges): its own label comes from the run's label list. */
  predicted_run_class_id: number | null;
  prediction_confidence: number | null;
  prediction_split: 'train' | 'val' | 'test' | null;
}

/**
 * Clips with their class names and the prediction of the project's active run (if any). The
 * folder's class is the one the clip's folder feeds now (renames and merges followed); the
 * prediction is named as the class it stands for now (`pn`: merges followed).
 */
export function clipFrom(runId: number | null): string {
  // An integer from the store itself, never user text: safe to put in the statement.
  const run = runId === null ? 'NULL' : String(Math.trunc(runId));
  return `
  FROM clips c JOIN classes k ON k.id = c.class_id JOIN classes f0 ON f0.id = c.folder_class_id
  LEFT JOIN class_folders cf ON cf.folder = substr(c.rel_path, 1, instr(c.rel_path, '/') - 1)
  LEFT JOIN classes f ON f.id = cf.class_id
  LEFT JOIN predictions p ON p.clip_id = c.id AND p.run_id = ${run}
  LEFT JOIN class_now pn ON pn.id = p.pred_class_id
  LEFT JOIN classes pk ON pk.id = pn.now_id`;
}

export function clipSelect(runId: number | null): string {
  return `
  SELECT c.*, k.name AS class_name, COALESCE(f.name, f0.name) AS folder_class_name,
    pk.name AS predicted_class, p.confidence AS prediction_confidence, p.split AS prediction_split,
    p.pred_class_id AS predicted_run_class_id
  ${clipFrom(runId)}`;
}

/** `runLabels`: the active run's own names of its classes (class id -> label), for a prediction renamed or merged since. */
export function toClip(r: ClipRow, runLabels: Map<number, string> = new Map()): Clip {
  const runLabel = r.predicted_run_class_id === null ? undefined : runLabels.get(r.predicted_run_class_id);
  return {
    id: r.id,
    relPath: r.rel_path,
    name: basename(r.rel_path),
    classId: r.class_id,
    className: r.class_name,
    folderClassName: r.folder_class_name,
    sizeBytes: r.size_bytes,
    duration: r.duration,
    fps: r.fps,
    frameCount: r.frame_count,
    width: r.width,
    height: r.height,
    codec: r.codec,
    rotation: r.rotation,
    status: r.status,
    error: r.error,
    extractStatus: r.extract_status,
    extractError: r.extract_error,
    handsFraction: r.hands_fraction,
    prediction:
      r.predicted_class === null
        ? null
        : {
            className: r.predicted_class,
            confidence: r.prediction_confidence ?? 0,
            split: r.prediction_split ?? 'train',
            ...(runLabel !== undefined && runLabel !== r.predicted_class ? { runLabel } : {}),
          },
  };
}
