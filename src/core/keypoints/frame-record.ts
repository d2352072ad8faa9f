/**
 * What extraction knows about one frame: the shared vocabulary of vision (producer),
 * the HDF5 studio group (storage) and the UI overlays (consumer). JSON-safe.
 * Coordinates are normalised to the full frame: x / width, y / height; z as MediaPipe gives it.
 */
export type Handedness = 'Left' | 'Right';

export interface PersonBox {
  /** [x1, y1, x2, y2] normalised to the full frame. */
  box: [number, number, number, number];
  score: number;
}

export interface HandRecord {
  /** The person's own hand, as MediaPipe Tasks reports it for a non-mirrored image. */
  handedness: Handedness;
  /** Handedness confidence in [0, 1] for the label given. */
  handednessScore: number;
  /** Hand presence score of the landmark model. */
  score: number;
  /** 21 × [x, y, z]. */
  landmarks: [number, number, number][];
}

export interface FrameRecord {
  index: number;
  /** Presentation time in seconds. */
  time: number;
  persons: PersonBox[];
  hands: HandRecord[];
}

export const NUM_KEYPOINTS_PER_HAND = 21;
export const NUM_COORDS_PER_KEYPOINT = 2;
export const MAX_HANDS = 2;
/** 2 hands × 21 landmarks × (x, y): the reference pipeline's INPUT_SIZE. */
export const INPUT_SIZE = MAX_HANDS * NUM_KEYPOINTS_PER_HAND * NUM_COORDS_PER_KEYPOINT;
