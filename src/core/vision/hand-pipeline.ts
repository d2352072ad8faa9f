import { errorMessage, ModelUnavailableError } from '../errors';
import type { FrameRecord, HandRecord, PersonBox } from '../keypoints/frame-record';
import { HandLandmarker } from './hand-landmarker';
import { HandTracker, type TrackerStats } from './hand-tracker';
import { ensureDetectorModel } from './model-download';
import { resolveDetectorModel, type HandModelVariant } from './model-registry';
import { PalmDetector } from './palm-detector';
import { PersonDetector, type DetectorFormat } from './person-detector';
import { fullWindow, type PixelWindow, type RgbImage } from './rgb-image';

export interface HandPipelineOptions {
  /** MediaPipe hand model complexity (palm detector and landmarker). Default 'full'. */
  model?: HandModelVariant;
  /** Person regions: 'yolox' (downloaded on first use), 'none' (whole frame). Default 'none'. */
  detector?: 'yolox' | 'none';
  /** An ONNX detector file to use instead of the cached YOLOX-nano (e.g. a user's YOLOv8 export). */
  detectorPath?: string;
  detectorFormat?: DetectorFormat;
  /** YOLO_CONF_THRESHOLD. Default 0.5. */
  personConfidence?: number;
  /** COCO classes that make regions. Default [0] (person). */
  personClasses?: number[];
  /** MAX_NUM_HANDS. Default 2. */
  maxHands?: number;
  /** MIN_DETECTION_CONFIDENCE (palm score). Default 0.5. */
  minDetectionConfidence?: number;
  /** MIN_TRACKING_CONFIDENCE (hand presence). Default 0.5. */
  minTrackingConfidence?: number;
  /** Video tracking (landmarks give the next frame's regions). Default true; false = every frame searched afresh. */
  tracking?: boolean;
  /** With tracking, frames between searches for an additional hand (see HandTrackerOptions). Default 8; 1 = MediaPipe. */
  newHandInterval?: number;
  /**
   * With tracking, report handedness as the track's running mean (see HandTrackerOptions). Default
   * false: MediaPipe Tasks reports each frame's score, and `gstudio parity` on the test video shows
   * the smoothed label departs from it (lite: hands agree on 97.5% of frames smoothed, 100% not).
   */
  smoothHandedness?: boolean;
  /**
   * With tracking, person boxes only steer the palm search, so the detector runs on frames that
   * search for palms and at least every this many frames (the boxes in between are the last ones
   * found, for display). 1 = every frame, as the reference. Default 5.
   */
  personInterval?: number;
  /** Allow downloading the detector model when it is not on disk. Default true. */
  allowDownload?: boolean;
}

export interface PipelineStats extends TrackerStats {
  personDetectionRuns: number;
}

export interface HandPipeline {
  readonly options: Readonly<Required<Omit<HandPipelineOptions, 'detectorPath' | 'detectorFormat'>>>;
  /** Whether person regions are in use, and why not when asked for but unavailable. */
  readonly detectorStatus: { active: boolean; model?: string; warning?: string };
  /** One frame -> its record (PIPELINE.md §2): regions, hands in each, everything normalised to the full frame. */
  processFrame(frame: RgbImage & { index?: number; time?: number }): Promise<FrameRecord>;
  /** Forget tracked hands: call between clips. */
  reset(): void;
  readonly stats: PipelineStats;
  dispose(): Promise<void>;
}

// Person boxes narrower than this are not worth a palm search.
const MIN_REGION = 16;

export async function createHandPipeline(opts: HandPipelineOptions = {}): Promise<HandPipeline> {
  const options = {
    model: opts.model ?? 'full',
    detector: opts.detector ?? (opts.detectorPath ? 'yolox' : 'none'),
    personConfidence: opts.personConfidence ?? 0.5,
    personClasses: opts.personClasses ?? [0],
    maxHands: opts.maxHands ?? 2,
    minDetectionConfidence: opts.minDetectionConfidence ?? 0.5,
    minTrackingConfidence: opts.minTrackingConfidence ?? 0.5,
    tracking: opts.tracking ?? true,
    newHandInterval: opts.newHandInterval ?? 8,
    smoothHandedness: opts.smoothHandedness ?? false,
    personInterval: Math.max(1, opts.personInterval ?? 5),
    allowDownload: opts.allowDownload ?? true,
  } as const;

  let persons: PersonDetector | null = null;
  const detectorStatus: { active: boolean; model?: string; warning?: string } = { active: false };
  if (options.detector !== 'none') {
    try {
      const resolved = opts.detectorPath
        ? resolveDetectorModel('yolox_nano', { path: opts.detectorPath })
        : options.allowDownload
          ? await ensureDetectorModel('yolox_nano')
          : resolveDetectorModel('yolox_nano');
      if (!resolved) throw new ModelUnavailableError('The person detector model yolox_nano is not in the model cache and downloading is off: hands are searched in the whole frame.');
      persons = await PersonDetector.create(resolved.path, {
        source: resolved.source,
        format: opts.detectorFormat,
        confThreshold: options.personConfidence,
        classes: options.personClasses,
      });
      detectorStatus.active = true;
      detectorStatus.model = resolved.path;
    } catch (e) {
      // An explicit file that is broken is the user's to fix; a missing default model is not fatal.
      if (opts.detectorPath || !(e instanceof ModelUnavailableError)) throw e;
      detectorStatus.warning = errorMessage(e);
    }
  }

  const [palm, landmarker] = await Promise.all([PalmDetector.create(options.model), HandLandmarker.create(options.model)]);
  const tracker = new HandTracker(palm, landmarker, options);
  const stats: PipelineStats = Object.assign(tracker.stats, { personDetectionRuns: 0 });

  // The last person detection: its boxes are carried over frames on which the detector does not run.
  let last: { boxes: PersonBox[]; windows: PixelWindow[] } | null = null;
  let sincePersons = 0;

  return {
    options,
    detectorStatus,
    stats,
    reset: () => {
      tracker.reset();
      last = null;
    },
    async processFrame(frame) {
      const W = frame.width;
      const H = frame.height;
      let boxes: PersonBox[] = [];
      let regions: PixelWindow[] = [fullWindow(frame)];
      if (persons) {
        sincePersons++;
        if (!last || tracker.searchesNext || sincePersons >= options.personInterval) {
          stats.personDetectionRuns++;
          sincePersons = 0;
          const dets = await persons.detect(frame);
          last = {
            boxes: dets.map((d) => ({ box: [d.xMin / W, d.yMin / H, d.xMax / W, d.yMax / H], score: d.score })),
            windows: dets
              .map((d) => ({ x0: Math.max(0, Math.floor(d.xMin)), y0: Math.max(0, Math.floor(d.yMin)), x1: Math.min(W, Math.ceil(d.xMax)), y1: Math.min(H, Math.ceil(d.yMax)) }))
              .filter((w) => w.x1 - w.x0 >= MIN_REGION && w.y1 - w.y0 >= MIN_REGION),
          };
        }
        boxes = last.boxes;
        // No person in this frame: the whole frame, as the reference pipeline does.
        if (last.windows.length) regions = last.windows;
      }
      const hands: HandRecord[] = tracker.process(frame, regions).map((h) => {
        const right = h.handedness > 0.5;
        return {
          handedness: right ? 'Right' : 'Left',
          handednessScore: right ? h.handedness : 1 - h.handedness,
          score: h.presence,
          landmarks: h.landmarks.map(([x, y, z]) => [x / W, y / H, z / W] as [number, number, number]),
        };
      });
      return { index: frame.index ?? stats.frames - 1, time: frame.time ?? 0, persons: boxes, hands };
    },
    async dispose() {
      palm.dispose();
      landmarker.dispose();
      await persons?.dispose();
    },
  };
}
