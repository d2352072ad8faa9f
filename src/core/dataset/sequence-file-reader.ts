import { DatasetFileError } from '../errors';
import type { FrameRecord } from '../keypoints/frame-record';
import { existsSync } from 'node:fs';
import { journalDirFor, journalWriter, listJournal, readJournalEntry } from './clip-journal';
import { decodeFrameRecords } from './frame-records-codec';
import { firstLine, getGroup, isDataset, isGroup, openHdf5 as openHdf5File, type H5File } from './hdf5-module';
import {
  CLASS_NAME_ATTR,
  EXTRACTION_ATTR,
  FRAMES_GROUP,
  LABEL_ATTR,
  LABEL_MAP_ATTR,
  ORIGINAL_PATH_ATTR,
  REGIONS_ATTR,
  RELATIVE_PATH_ATTR,
  SEQUENCES_GROUP,
  type ClipRegions,
  type ExtractionSettings,
} from './reference-layout';

export interface SequenceClip {
  /** Dataset name inside `sequences/`: the clip's key in splits and predictions. */
  key: string;
  /** Dense class index, 0..classNames.length-1. */
  label: number;
  className: string;
  originalPath: string;
  /** seqLen × numFeatures, row-major. */
  data: Float32Array;
}

export interface SequenceFile {
  path: string;
  /** Class names in label order: classNames[label]. */
  classNames: string[];
  /** {class_name: label}, dense. */
  labelMap: Record<string, number>;
  seqLen: number;
  numFeatures: number;
  extraction: ExtractionSettings | null;
  /** Sorted by key, so that a file always yields the same order. */
  clips: SequenceClip[];
  warnings: string[];
}

function attrValue(obj: { attrs: Record<string, { value: unknown }> }, name: string): unknown {
  const attrs = obj.attrs;
  return name in attrs ? attrs[name].value : undefined;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === 1) return Number((v as unknown as ArrayLike<number | bigint>)[0]);
  return undefined;
}

function parseLabelMap(path: string, raw: unknown): Record<string, number> {
  if (raw === undefined) throw new DatasetFileError('layout', path, `the root attribute "${LABEL_MAP_ATTR}" is missing; this is not a keypoint file of the reference layout`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch {
    throw new DatasetFileError('layout', path, `the root attribute "${LABEL_MAP_ATTR}" is not JSON; re-run extraction`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new DatasetFileError('layout', path, `"${LABEL_MAP_ATTR}" must be a JSON object {class_name: label}`);
  const map: Record<string, number> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new DatasetFileError('layout', path, `"${LABEL_MAP_ATTR}" gives class "${name}" the non-integer label ${JSON.stringify(value)}`);
    map[name] = value;
  }
  return map;
}

function readExtraction(file: H5File): ExtractionSettings | null {
  const raw = attrValue(file, EXTRACTION_ATTR);
  if (raw === undefined) return null;
  try {
    const parsed = JSON.parse(String(raw));
    return parsed && typeof parsed === 'object' ? (parsed as ExtractionSettings) : null;
  } catch {
    return null;
  }
}

/**
 * Opens a keypoint file for reading. A file that does not exist beside its `.journal/` folder is one
 * whose first extraction has not finished: it was interrupted (or is still running), and the clips
 * it finished wait in the journal. Say so, rather than "the file does not exist".
 */
async function openHdf5(path: string): Promise<H5File> {
  const journal = journalDirFor(path);
  if (!existsSync(path) && existsSync(journal)) {
    const clips = listJournal(journal).length;
    const kept = `${clips} finished clip${clips === 1 ? '' : 's'} wait${clips === 1 ? 's' : ''} in ${journal}`;
    const writer = journalWriter(journal);
    throw new DatasetFileError(
      'missing',
      path,
      writer !== null
        ? `the file is not written yet: an extraction (process ${writer}) is writing it right now (${kept}); wait for it to finish`
        : `the file is not finished: an extraction into it was interrupted (${kept}). Run the same \`gstudio extract\` command again (or Extract in the studio) to finish it; it resumes where it stopped`,
    );
  }
  return openHdf5File(path);
}

/**
 * Reads a keypoint file of the reference layout, from any writer (the studio, the notebook, h5py).
 * Sequence length and feature count come from the file. Labels are made dense (0..C-1, in the order
 * of the file's labels) when the file's label map has gaps.
 */
export async function readSequenceFile(path: string): Promise<SequenceFile> {
  const file = await openHdf5(path);
  try {
    return readOpenFile(path, file);
  } catch (err) {
    if (err instanceof DatasetFileError) throw err;
    throw new DatasetFileError('corrupt', path, `reading failed (${firstLine(err)}); the file is damaged: re-run extraction`);
  } finally {
    file.close();
  }
}

function readOpenFile(path: string, file: H5File): SequenceFile {
  const warnings: string[] = [];
  const fileLabelMap = parseLabelMap(path, attrValue(file, LABEL_MAP_ATTR));
  const group = getGroup(file, SEQUENCES_GROUP);
  if (!group) throw new DatasetFileError('layout', path, `there is no "${SEQUENCES_GROUP}" group; this is not a keypoint file of the reference layout`);
  const keys = group.keys().sort();
  if (keys.length === 0) throw new DatasetFileError('no_sequences', path, 'the file holds no sequences; extract some clips first');

  // Dense labels: the file's labels in increasing order (ties by name) become 0..C-1.
  const ordered = Object.entries(fileLabelMap).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  const classNames = ordered.map(([name]) => name);
  const dense = new Map<number, number>(ordered.map(([, label], i) => [label, i]));
  if (ordered.some(([, label], i) => label !== i)) warnings.push('the label map is not 0..C-1; labels were renumbered in label order');
  const labelMap = Object.fromEntries(classNames.map((name, i) => [name, i]));

  let seqLen = -1;
  let numFeatures = -1;
  const clips: SequenceClip[] = [];
  for (const key of keys) {
    const ds = group.get(key);
    if (!isDataset(ds)) {
      if (isGroup(ds)) throw new DatasetFileError('layout', path, `"${SEQUENCES_GROUP}/${key}" is a group, expected a (frames, features) dataset`);
      continue;
    }
    const shape = ds.shape ?? [];
    if (shape.length !== 2) throw new DatasetFileError('layout', path, `"${SEQUENCES_GROUP}/${key}" has shape [${shape}], expected (frames, features)`);
    if (seqLen < 0) [seqLen, numFeatures] = shape;
    else if (shape[0] !== seqLen || shape[1] !== numFeatures) {
      throw new DatasetFileError('layout', path, `"${SEQUENCES_GROUP}/${key}" has shape [${shape}] but others have [${seqLen},${numFeatures}]; all sequences must share one shape`);
    }
    const className = attrValue(ds, CLASS_NAME_ATTR);
    const fileLabel = toNumber(attrValue(ds, LABEL_ATTR));
    let label = fileLabel !== undefined ? dense.get(fileLabel) : undefined;
    if (label === undefined && typeof className === 'string' && className in labelMap) label = labelMap[className];
    if (label === undefined) {
      throw new DatasetFileError('layout', path, `"${SEQUENCES_GROUP}/${key}" has label ${fileLabel ?? '(none)'} which the label map does not know; relabel the clip or re-run extraction`);
    }
    const value = ds.value;
    const data = value instanceof Float32Array ? value : Float32Array.from(value as ArrayLike<number>);
    clips.push({
      key,
      label,
      className: classNames[label],
      originalPath: String(attrValue(ds, ORIGINAL_PATH_ATTR) ?? attrValue(ds, RELATIVE_PATH_ATTR) ?? key),
      data,
    });
  }
  if (clips.length === 0) throw new DatasetFileError('no_sequences', path, 'the file holds no sequences; extract some clips first');
  if (seqLen === 0 || numFeatures === 0) throw new DatasetFileError('layout', path, `sequences have shape [${seqLen},${numFeatures}]; they must have frames and features`);
  return { path, classNames, labelMap, seqLen, numFeatures, extraction: readExtraction(file), clips, warnings };
}

/** The file's root label map as written (no sequences read), or {} when it has none. */
export async function readLabelMap(path: string): Promise<Record<string, number>> {
  const file = await openHdf5(path);
  try {
    const raw = attrValue(file, LABEL_MAP_ATTR);
    return raw === undefined ? {} : parseLabelMap(path, raw);
  } finally {
    file.close();
  }
}

/** Names of the clips in the file (sequences and journal-free), without reading their data. */
export async function listClipNames(path: string): Promise<string[]> {
  const file = await openHdf5(path);
  try {
    return getGroup(file, SEQUENCES_GROUP)?.keys().sort() ?? [];
  } finally {
    file.close();
  }
}

/** One clip for the UI overlays: its per-frame records and how the file shaped its sequence. */
export interface StoredClipFrames {
  /** Null when the file has no per-frame records for the clip. */
  frames: FrameRecord[] | null;
  /** Frames of the clip's stored sequence; null when the file has no sequence for it. */
  seqLen: number | null;
  /** The settings recorded when the file was written; null in files written without them. */
  extraction: ExtractionSettings | null;
  /** Where extraction searched this clip's hands; null in files written before it was recorded. */
  regions: ClipRegions | null;
}

/**
 * Reads one clip's records, sequence length and the file's recorded settings in one open. A clip
 * an extraction has journaled but not yet merged (it is running, or it crashed) is read from the journal.
 */
export async function readStoredClipFrames(path: string, name: string): Promise<StoredClipFrames> {
  const journaled = listJournal(journalDirFor(path)).includes(name) ? readJournalEntry(journalDirFor(path), name) : null;
  if (journaled) {
    const extraction = existsSync(path) ? await readRecordedExtraction(path) : null;
    return {
      frames: journaled.frames ? decodeFrameRecords(Object.fromEntries(Object.entries(journaled.frames).map(([k, v]) => [k, v.data])), `${path} journal`) : null,
      seqLen: journaled.sequence.shape[0],
      extraction,
      regions: journaled.regions ?? null,
    };
  }
  const file = await openHdf5(path);
  try {
    const sequences = getGroup(file, SEQUENCES_GROUP);
    const ds = sequences?.keys().includes(name) ? sequences.get(name) : null;
    const seqLen = isDataset(ds) && ds.shape?.length === 2 ? ds.shape[0] : null;
    const group = getGroup(file, `${FRAMES_GROUP}/${name}`);
    let frames: FrameRecord[] | null = null;
    if (group) {
      const arrays: Record<string, ArrayLike<number>> = {};
      for (const key of group.keys()) {
        const member = group.get(key);
        if (isDataset(member)) arrays[key] = member.value as ArrayLike<number>;
      }
      frames = decodeFrameRecords(arrays, `${path}:${FRAMES_GROUP}/${name}`);
    }
    const regions = isDataset(ds) ? attrValue(ds, REGIONS_ATTR) : undefined;
    return { frames, seqLen, extraction: readExtraction(file), regions: regions === 'person boxes' || regions === 'whole frame' ? regions : null };
  } finally {
    file.close();
  }
}

/** The extraction settings recorded in the file (null in files written without them). */
export async function readRecordedExtraction(path: string): Promise<ExtractionSettings | null> {
  const file = await openHdf5(path);
  try {
    return readExtraction(file);
  } finally {
    file.close();
  }
}

/** The per-frame records of one clip for the UI overlays, or null when the file has none for it. */
export async function readClipFrames(path: string, name: string): Promise<FrameRecord[] | null> {
  return (await readStoredClipFrames(path, name)).frames;
}
