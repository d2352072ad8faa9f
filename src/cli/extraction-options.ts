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
  if (!parsed.success) throw new InvalidInputError(flagIssueMessage(parsed.error.issues[0]));
  return parsed.data;
}

/** The command-line flag behind each extraction setting, for messages in the user's terms. */
const FLAG_OF: Record<string, string> = {
  detector: '--detector',
  detectorPath: '--detector-model',
  model: '--model',
  maxHands: '--max-hands',
  tracking: '--no-tracking',
  personInterval: '--person-interval',
  frames: '--frames',
  workers: '--workers',
  sequenceMode: '--mode',
};

/** `--frames must be at least 1`, not the schema's "frames Too small: expected number to be >=1". */
export function flagIssueMessage(issue: { path: PropertyKey[]; code: string; message: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean } | undefined): string {
  if (!issue) return 'Invalid options';
  const key = String(issue.path[0] ?? '');
  const flag = FLAG_OF[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const bound = (v: unknown) => (typeof v === 'bigint' ? Number(v) : (v as number));
  if (issue.code === 'too_small' && issue.minimum !== undefined) {
    return `${flag} must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${bound(issue.minimum)}`;
  }
  if (issue.code === 'too_big' && issue.maximum !== undefined) {
    return `${flag} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${bound(issue.maximum)}`;
  }
  return `${flag}: ${issue.message}`;
}

export { int as wholeNumber };
