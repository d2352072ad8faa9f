import type { ExtractionSettings } from './extraction';

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
