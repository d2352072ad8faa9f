import { availableParallelism } from 'node:os';

import type { ExtractionSettings } from '../../api/extraction';
import type { HandPipelineOptions } from '../vision/hand-pipeline';

// The schema is part of the API contract (the UI edits these settings).
export { ExtractionSettings, type ExtractionSettingsInput } from '../../api/extraction';

export function workerCount(s: ExtractionSettings, clips: number): number {
  const wanted = s.workers > 0 ? s.workers : availableParallelism();
  return Math.max(1, Math.min(wanted, clips));
}

/** The hand pipeline these settings ask for (extraction workers, `landmarks`, `annotate`). */
export function pipelineOptions(s: ExtractionSettings): HandPipelineOptions {
  return {
    model: s.model,
    detector: s.detector,
    detectorPath: s.detectorPath,
    personConfidence: s.personConfidence,
    maxHands: s.maxHands,
    minDetectionConfidence: s.minDetectionConfidence,
    minTrackingConfidence: s.minTrackingConfidence,
    tracking: s.tracking,
    personInterval: s.personInterval,
  };
}

/** PIPELINE.md §1: the label map is the classes in sorted order. */
export function labelMapFor(classes: string[]): Record<string, number> {
  return Object.fromEntries([...new Set(classes)].sort().map((c, i) => [c, i]));
}

// How settings are recorded in a keypoints file, and how two recordings differ: shared with the UI.
export { recordedSettings, settingsDifferences } from '../../api/recorded-settings';
