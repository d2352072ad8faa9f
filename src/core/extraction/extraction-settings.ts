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

// Recorded settings that change what a clip's sequence holds, with the names the view and the CLI
// give them (personInterval is not one: the hands come out the same).
const SEQUENCE_SETTINGS = {
  numFrames: 'frames per sequence',
  resampling: 'long clips',
  model: 'hand model',
  detector: 'person detector',
  personConfidence: 'person confidence',
  maxHands: 'max hands',
  minDetectionConfidence: 'min detection confidence',
  minTrackingConfidence: 'min tracking confidence',
  tracking: 'tracking',
  maxSide: 'max frame side',
} as const;

/** How `wanted` differs from the settings a file was extracted with, e.g. ["frames per sequence 30 -> 20"]; keys a file lacks are not compared. */
export function settingsDifferences(recorded: Record<string, unknown>, wanted: ReturnType<typeof recordedSettings>): string[] {
  return (Object.keys(SEQUENCE_SETTINGS) as (keyof typeof SEQUENCE_SETTINGS)[])
    .filter((k) => k in recorded && recorded[k] !== wanted[k])
    .map((k) => `${SEQUENCE_SETTINGS[k]} ${String(recorded[k])} -> ${String(wanted[k])}`);
}

/** What is stored in the HDF5 file and the model, so that prediction extracts exactly the same way. */
export function recordedSettings(s: ExtractionSettings, numFeatures: number) {
  return {
    numFrames: s.frames,
    numFeatures,
    // The dataset layer names the studio's resampling 'uniform'.
    resampling: s.sequenceMode === 'resample' ? 'uniform' : 'middle',
    model: s.model,
    detector: s.detector,
    personConfidence: s.personConfidence,
    maxHands: s.maxHands,
    minDetectionConfidence: s.minDetectionConfidence,
    minTrackingConfidence: s.minTrackingConfidence,
    tracking: s.tracking,
    personInterval: s.personInterval,
    maxSide: s.maxSide,
  };
}
