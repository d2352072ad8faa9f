import { Option, type Command } from 'commander';
import { ExtractionSettings } from '../core/extraction/extraction-settings';
import { InvalidInputError } from '../core/errors';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidInputError(`${name} must be a whole number, not "${v}"`);
  return n;
};

/** The hand-pipeline options shared by extract, landmarks, annotate and predict. */
export function addVisionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--detector <name>', 'person regions: yolox (downloaded on first use) or none (whole frame)').choices(['yolox', 'none']).default('yolox'))
    .option('--detector-model <file>', 'an ONNX person detector to use instead (YOLOX or Ultralytics YOLOv8/11 export)')
    .addOption(new Option('--model <variant>', 'MediaPipe hand model').choices(['full', 'lite']).default('full'))
    .option('--max-hands <n>', 'hands per frame (MAX_NUM_HANDS)', int('--max-hands'), 2)
    .option('--no-tracking', 'search every frame afresh instead of tracking hands between frames')
    .option('--person-interval <n>', 'with tracking, run the person detector at least every n frames and whenever hands are searched (1 = every frame)', int('--person-interval'), 5);
}

export interface VisionFlags {
  detector: 'yolox' | 'none';
  detectorModel?: string;
  model: 'full' | 'lite';
  maxHands: number;
  tracking: boolean;
  personInterval: number;
}

export function settingsFromFlags(flags: VisionFlags & { frames?: number; workers?: number; mode?: 'middle' | 'resample' }): ExtractionSettings {
  const parsed = ExtractionSettings.safeParse({
    detector: flags.detector,
    detectorPath: flags.detectorModel,
    model: flags.model,
    maxHands: flags.maxHands,
    tracking: flags.tracking,
    personInterval: flags.personInterval,
    frames: flags.frames,
    workers: flags.workers,
    sequenceMode: flags.mode,
  });
  if (!parsed.success) throw new InvalidInputError(`Invalid option: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export { int as wholeNumber };
