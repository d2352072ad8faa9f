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
  predicted_run_label: string | null;
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
    (SELECT rl.name FROM run_labels rl WHERE rl.run_id = p.run_id AND rl.class_id = p.pred_class_id LIMIT 1) AS predicted_run_label
  ${clipFrom(runId)}`;
}

export function toClip(r: ClipRow): Clip {
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
            ...(r.predicted_run_label !== null && r.predicted_run_label !== r.predicted_class ? { runLabel: r.predicted_run_label } : {}),
          },
  };
}
