/**
 * Names of the reference HDF5 layout (PIPELINE.md §4) and of the studio's additions.
 * A reader that knows only the reference part must keep working: the studio only adds.
 */
export const LABEL_MAP_ATTR = 'label_map';
export const SEQUENCES_GROUP = 'sequences';
export const LABEL_ATTR = 'label';
export const ORIGINAL_PATH_ATTR = 'original_path';
export const CLASS_NAME_ATTR = 'class_name';

/** Root attribute: JSON of the extraction settings the sequences were made with. */
export const EXTRACTION_ATTR = 'studio_extraction';
/** Root attribute: version of the studio's additions, for later migrations. */
export const STUDIO_FORMAT_ATTR = 'studio_format';
export const STUDIO_FORMAT_VERSION = 1;
/** Per-clip attribute: the clip's path relative to the videos root, normalised (the name's hash input). */
export const RELATIVE_PATH_ATTR = 'relative_path';
/** Per clip: where hands were searched, 'person boxes' or 'whole frame' (the detector's fallback included). */
export const REGIONS_ATTR = 'studio_regions';
export type ClipRegions = 'person boxes' | 'whole frame';
/** Group holding one sub-group of per-frame records per clip, named like its sequence. */
export const FRAMES_GROUP = 'studio/frames';

/** How the sequences were shaped and from what, as far as the extraction knows it. */
export interface ExtractionSettings {
  /** Frames per sequence (NUM_FRAMES_PER_VIDEO). */
  numFrames?: number;
  /** Features per frame (INPUT_SIZE). */
  numFeatures?: number;
  /** 'middle' = the reference's middle window + zero padding; 'uniform' = resampled over the clip. */
  resampling?: 'middle' | 'uniform' | string;
  [key: string]: unknown;
}

/** Bytes every HDF5 file carries at offset 0, 512, 1024, 2048, ... (the superblock signature). */
export const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
