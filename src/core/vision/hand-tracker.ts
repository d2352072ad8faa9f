import type { HandLandmarker, LandmarkResult } from './hand-landmarker';
import type { PalmDetector } from './palm-detector';
import type { PixelWindow, RgbImage } from './rgb-image';
import { landmarksToHandRect, palmToHandRect, rectIou, type PixelRect } from './roi';

export interface HandTrackerOptions {
  /** Most hands reported per frame (the feature vector has two slots). */
  maxHands: number;
  /** Palm detection score threshold (MediaPipe's min_detection_confidence). */
  minDetectionConfidence: number;
  /** Hand presence threshold of the landmark model (MediaPipe Hands' min_tracking_confidence). */
  minTrackingConfidence: number;
  /** Video mode: next frame's regions come from this frame's landmarks. Off = every frame is a new image. */
  tracking: boolean;
  /**
   * While some but fewer than `maxHands` hands are tracked, look for a new hand every this many
   * frames. MediaPipe looks on every such frame (= 1), which with the default two hands and one
   * hand in view means palm detection on every frame; the studio's default 8 (a third of a second
   * at 25 fps) keeps tracking useful. With no hand tracked, every frame is searched.
   */
  newHandInterval: number;
  /**
   * Report a tracked hand's handedness as the mean over its track instead of this frame's score.
   * A hand cannot change sides between frames, but the per-frame score wavers (the lite model
   * flips a few frames of the test video), and each flip moves the hand to the other feature
   * slot. MediaPipe reports the per-frame score, and so does the hand pipeline by default (parity with Tasks).
   */
  smoothHandedness?: boolean;
}

interface Track {
  rect: PixelRect;
  /** Sum and count of the track's per-frame handedness scores (count capped: a slow running mean). */
  handednessSum: number;
  handednessCount: number;
}

// Past this many frames the mean keeps adapting, so a wrongly started track can still recover.
const HANDEDNESS_MEMORY = 30;

export interface TrackedHand extends LandmarkResult {
  /** True when this frame's region came from a palm detection, false when carried over from the last frame. */
  fromPalm: boolean;
}

export interface TrackerStats {
  frames: number;
  /** Frames on which palm detection ran (at least one region searched). */
  palmDetectionFrames: number;
  /** Palm model runs (one per searched region). */
  palmDetectionRuns: number;
  landmarkRuns: number;
}

// MediaPipe's AssociationNormRectCalculator threshold: regions overlapping more are the same hand.
const SAME_HAND_IOU = 0.5;

/**
 * MediaPipe's HandLandmarkTrackingCpu loop: palm detection only while fewer than `maxHands` hands
 * are tracked, new palms overlapping a tracked hand dropped, landmarks in every region, and each
 * found hand's landmarks giving its region in the next frame.
 */
export class HandTracker {
  private prev: Track[] = [];
  private sinceSearch = 0;
  readonly stats: TrackerStats = { frames: 0, palmDetectionFrames: 0, palmDetectionRuns: 0, landmarkRuns: 0 };

  constructor(
    private readonly palm: PalmDetector,
    private readonly landmarker: HandLandmarker,
    readonly options: HandTrackerOptions,
  ) {}

  /** Forget tracked hands (call between clips). */
  reset(): void {
    this.prev = [];
    this.sinceSearch = 0;
  }

  /** Whether the next `process` call will run palm detection (its regions matter only then). */
  get searchesNext(): boolean {
    const tracked = this.options.tracking ? this.prev.length : 0;
    return tracked === 0 || (tracked < this.options.maxHands && this.sinceSearch + 1 >= Math.max(1, this.options.newHandInterval));
  }

  /** Hands in `img`; palms are searched inside each of `regions` (whole-frame windows or person boxes). */
  process(img: RgbImage, regions: PixelWindow[]): TrackedHand[] {
    const o = this.options;
    this.stats.frames++;
    const tracked = o.tracking ? this.prev : [];
    let rois: Roi[] = [];

    const search = this.searchesNext;
    this.sinceSearch++;
    if (search) {
      this.sinceSearch = 0;
      this.stats.palmDetectionFrames++;
      const palms = regions.flatMap((w) => {
        this.stats.palmDetectionRuns++;
        return this.palm.detect(img, w, o.minDetectionConfidence, o.maxHands);
      });
      palms.sort((a, b) => b.score - a.score);
      for (const p of palms.slice(0, o.maxHands)) {
        const kp = [];
        for (let i = 0; i < 7; i++) kp.push({ x: p.keypoints[2 * i], y: p.keypoints[2 * i + 1] });
        addAssociated(rois, { rect: palmToHandRect(p, kp), fromPalm: true });
      }
    }
    // Tracked regions go in last so that they replace palms of the same hand, as in MediaPipe.
    for (const t of tracked) addAssociated(rois, { rect: t.rect, fromPalm: false, track: t });
    rois = [...rois.filter((r) => !r.fromPalm), ...rois.filter((r) => r.fromPalm)].slice(0, o.maxHands);

    const hands: TrackedHand[] = [];
    const next: Track[] = [];
    for (const roi of rois) {
      this.stats.landmarkRuns++;
      const res = this.landmarker.run(img, roi.rect);
      if (res.presence < o.minTrackingConfidence) continue;
      const nextRect = landmarksToHandRect(res.landmarks.map(([x, y]) => ({ x, y })));
      // Two regions that converged on one hand give the same landmarks: keep the first (tracked first).
      if (next.some((t) => rectIou(t.rect, nextRect) > SAME_HAND_IOU)) continue;
      const scale = roi.track && roi.track.handednessCount >= HANDEDNESS_MEMORY ? (HANDEDNESS_MEMORY - 1) / HANDEDNESS_MEMORY : 1;
      const track: Track = {
        rect: nextRect,
        handednessSum: (roi.track?.handednessSum ?? 0) * scale + res.handedness,
        handednessCount: Math.min(HANDEDNESS_MEMORY, (roi.track?.handednessCount ?? 0) + 1),
      };
      next.push(track);
      const handedness = o.smoothHandedness === false ? res.handedness : track.handednessSum / track.handednessCount;
      hands.push({ ...res, handedness, fromPalm: roi.fromPalm });
    }
    this.prev = next;
    return hands;
  }
}

interface Roi {
  rect: PixelRect;
  fromPalm: boolean;
  track?: Track;
}

/** AssociationCalculator's rule: a new region replaces every earlier region it overlaps. */
function addAssociated(list: Roi[], item: Roi): void {
  for (let i = list.length - 1; i >= 0; i--) if (rectIou(list[i].rect, item.rect) > SAME_HAND_IOU) list.splice(i, 1);
  list.push(item);
}
