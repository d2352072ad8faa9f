import { z } from 'zod';

/** The notebook's extraction parameters (PIPELINE.md) with the studio's defaults. */
export const ExtractionSettings = z.object({
  /** NUM_FRAMES_PER_VIDEO. */
  frames: z.number().int().min(1).max(10_000).default(30),
  /** How a clip becomes `frames` frames: the reference's middle window, or resampled over the clip. */
  sequenceMode: z.enum(['middle', 'resample']).default('middle'),
  model: z.enum(['full', 'lite']).default('full'),
  detector: z.enum(['yolox', 'none']).default('yolox'),
  detectorPath: z.string().max(4096).optional(),
  personConfidence: z.number().min(0).max(1).default(0.5),
  maxHands: z.number().int().min(1).max(2).default(2),
  minDetectionConfidence: z.number().min(0).max(1).default(0.5),
  minTrackingConfidence: z.number().min(0).max(1).default(0.5),
  tracking: z.boolean().default(true),
  /** With tracking, run the person detector at least every this many frames (and whenever palms are searched); 1 = every frame. */
  personInterval: z.number().int().min(1).max(1000).default(5),
  /** Downscale frames so the long side is at most this before detection (0 = full size). */
  maxSide: z.number().int().min(0).max(8192).default(0),
  /** Worker processes; 0 = one per core. */
  workers: z.number().int().min(0).max(64).default(0),
});
export type ExtractionSettings = z.infer<typeof ExtractionSettings>;
export type ExtractionSettingsInput = z.input<typeof ExtractionSettings>;

export const ExtractionStatus = z.object({
  settings: ExtractionSettings,
  keypointsFile: z.string(),
  fileExists: z.boolean(),
  /** The settings recorded in the keypoints file (null: no file, or a file without them). */
  recorded: z.record(z.string(), z.unknown()).nullable().default(null),
  counts: z.object({ done: z.number().int(), failed: z.number().int(), pending: z.number().int(), stale: z.number().int(), unreadable: z.number().int() }),
  /** Part files of a sharded extraction (gstudio extract --shard) not merged into the keypoints file yet. */
  parts: z.array(z.object({ shard: z.string(), clips: z.number().int(), finished: z.boolean() })).default([]),
  /** What the next extraction will use for the regions, said before it runs. */
  regions: z.object({ detector: z.enum(['yolox', 'none']), modelFound: z.boolean(), text: z.string() }).optional(),
});
export type ExtractionStatus = z.infer<typeof ExtractionStatus>;

/** What an extraction job returns (its `result`). */
export interface ExtractionSummary {
  total: number;
  extracted: number;
  skipped: number;
  failed: number;
  /** Extracted clips in which no frame had a hand (their sequences are all zeros, as the reference's). */
  noHands: number;
  noHandsClips: string[];
  frames: number;
  seconds: number;
  framesPerSecond: number;
  outFile: string;
  /** The file was started afresh because these settings differ from the ones it was extracted with. */
  settingsChanged?: string[];
  detectorWarning?: string;
  /** What the run used for the regions: "YOLOX-nano person boxes" or "the whole frame (why)". */
  regionsUsed?: string;
}

/** What `extraction.merge` did (the parts' clips into the keypoints file, their outcomes into the project). */
export const MergeSummary = z.object({
  parts: z.number().int(),
  added: z.number().int(),
  alreadyIn: z.number().int(),
  clips: z.number().int(),
  failed: z.array(z.object({ relPath: z.string(), reason: z.string() })),
  /** Clips no part has (and that did not fail). */
  missing: z.array(z.string()),
  missingShards: z.array(z.string()),
});
export type MergeSummary = z.infer<typeof MergeSummary>;
