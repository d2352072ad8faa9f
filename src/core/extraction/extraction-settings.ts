import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** The notebook's extraction parameters (PIPELINE.md) with the studio's defaults. */
export const ExtractionSettings = z.object({
  /** NUM_FRAMES_PER_VIDEO. */
  frames: z.number().int().min(1).max(10_000).default(30),
  /** How a clip becomes `frames` frames: the reference's middle window, or resampled over the clip. */
  sequenceMode: z.enum(['middle', 'resample']).default('middle'),
  model: z.enum(['full', 'lite']).default('full'),
  detector: z.enum(['yolox', 'none']).default('yolox'),
  detectorPath: z.string().optional(),
  personConfidence: z.number().min(0).max(1).default(0.5),
  maxHands: z.number().int().min(1).max(2).default(2),
  minDetectionConfidence: z.number().min(0).max(1).default(0.5),
  minTrackingConfidence: z.number().min(0).max(1).default(0.5),
  tracking: z.boolean().default(true),
  /** Downscale frames so the long side is at most this before detection (0 = full size). */
  maxSide: z.number().int().min(0).max(8192).default(0),
  /** Worker processes; 0 = one per core. */
  workers: z.number().int().min(0).max(64).default(0),
});
export type ExtractionSettings = z.infer<typeof ExtractionSettings>;
export type ExtractionSettingsInput = z.input<typeof ExtractionSettings>;

export function workerCount(s: ExtractionSettings, clips: number): number {
  const wanted = s.workers > 0 ? s.workers : availableParallelism();
  return Math.max(1, Math.min(wanted, clips));
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
    maxSide: s.maxSide,
  };
}
