import { copyFileSync, existsSync } from 'node:fs';
import { InvalidInputError } from '../errors';
import type { FrameRecord } from '../keypoints/frame-record';
import { clipDatasetName, normaliseRelativePath } from './clip-name';
import { StudioError } from '../errors';
import {
  journalDirFor,
  journalWriter,
  listJournal,
  lockJournal,
  readJournalEntry,
  readJournalMeta,
  removeJournalDirIfEmpty,
  removeJournalEntry,
  removeJournalMeta,
  writeJournalMeta,
  unlockJournal,
  writeJournalEntry,
  type JournalEntry,
} from './clip-journal';
import { encodeFrameRecords } from './frame-records-codec';
import { replaceAtomically } from './atomic-file';
import { rewriteSequenceFile } from './sequence-file-rewrite';
import { listClipNames } from './sequence-file-reader';
import { openHdf5 } from './hdf5-module';
import { SEQUENCES_GROUP, type ClipRegions, type ExtractionSettings } from './reference-layout';

export interface ClipInput {
  /** Path relative to the videos root, e.g. "hello/clip 1.mp4": the stable key of the clip. */
  relativePath: string;
  className: string;
  /** numFrames × numFeatures, row-major. */
  sequence: Float32Array;
  shape: [number, number];
  /** Stored as the `original_path` attribute; defaults to the relative path. */
  originalPath?: string;
  /** Per-frame records for the UI overlays (stored under `studio/frames/<name>`). */
  frames?: FrameRecord[];
  /** Where extraction searched the hands: recorded with the clip (`studio_regions`). */
  regions?: ClipRegions;
}

export interface WriterOptions {
  /** A fixed {class_name: label}; without it the label map is the sorted class names (the reference). */
  labelMap?: Record<string, number>;
  /** Settings the sequences are made with, stored as a root attribute for training to record. */
  extraction?: ExtractionSettings;
  /** Merge the journal into the HDF5 file after this many new clips (0 = only on flush/close). */
  flushEvery?: number;
  /**
   * Start the file afresh (new settings for every clip): its clips and any journal are ignored, and
   * the first merge replaces the file. Until a clip is put, the old file stays as it was.
   */
  fresh?: boolean;
}

/**
 * Adds clips to a keypoint HDF5 file one at a time, crash-safe: each clip is journaled atomically
 * as soon as it is put, and merges into the HDF5 file go through a temporary file and a rename.
 * After a crash, `openWriter` again: `hasClip` is true for every clip already put, and `close`
 * merges them. Not for concurrent writers on the same file (one extraction job per file).
 */
export class SequenceFileWriter {
  private readonly names = new Set<string>();
  private sinceFlush = 0;
  private shape: [number, number] | null;

  constructor(
    readonly path: string,
    private readonly options: WriterOptions,
    existing: string[],
    shape: [number, number] | null,
  ) {
    for (const n of existing) this.names.add(n);
    this.shape = shape;
    this.replaceFile = options.fresh === true;
  }

  // Fresh writer: the next merge writes a new file instead of adding to the old one.
  private replaceFile: boolean;

  get journalDir(): string {
    return journalDirFor(this.path);
  }

  /** The dataset name a clip gets: stable for its relative path. */
  nameFor(relativePath: string): string {
    return clipDatasetName(relativePath);
  }

  /** True when the clip is in the file or journaled (done: a resumed extraction skips it). */
  hasClip(nameOrRelativePath: string): boolean {
    return this.names.has(nameOrRelativePath) || this.names.has(this.nameFor(nameOrRelativePath));
  }

  /** Clips not yet merged into the HDF5 file. */
  get pendingClips(): string[] {
    return listJournal(this.journalDir);
  }

  /** Journals one clip durably; returns its dataset name. Putting a clip again replaces it. */
  async putClip(clip: ClipInput): Promise<string> {
    const [frames, features] = clip.shape;
    if (clip.sequence.length !== frames * features) {
      throw new InvalidInputError(`clip ${clip.relativePath}: sequence has ${clip.sequence.length} values, shape [${clip.shape}] needs ${frames * features}`);
    }
    if (this.shape && (this.shape[0] !== frames || this.shape[1] !== features)) {
      throw new InvalidInputError(`clip ${clip.relativePath}: shape [${clip.shape}] differs from the file's [${this.shape}]; write a new file for new sequence settings`);
    }
    if (this.options.labelMap && !(clip.className in this.options.labelMap)) {
      throw new InvalidInputError(`clip ${clip.relativePath}: class "${clip.className}" is not in the label map`);
    }
    this.shape = [frames, features];
    const entry = journalEntryOf(clip, (rel) => this.nameFor(rel));
    const name = entry.name;
    await writeJournalEntry(this.journalDir, entry);
    this.names.add(name);
    this.sinceFlush++;
    if (this.options.flushEvery && this.sinceFlush >= this.options.flushEvery) await this.flush();
    return name;
  }

  /** Merges journaled clips into the HDF5 file (atomically) and clears them from the journal. */
  async flush(): Promise<void> {
    const pending = this.pendingClips;
    this.sinceFlush = 0;
    if (pending.length === 0 && existsSync(this.path)) return;
    const entries = pending.map((n) => readJournalEntry(this.journalDir, n)).filter((e): e is JournalEntry => e !== null);
    await rewriteSequenceFile(this.path, { add: entries, labelMap: this.options.labelMap, extraction: this.options.extraction, fresh: this.replaceFile });
    this.replaceFile = false;
    for (const e of pending) removeJournalEntry(this.journalDir, e);
  }

  /** Merges everything and removes the journal. */
  async close(): Promise<void> {
    await this.flush();
    removeJournalMeta(this.journalDir);
    unlockJournal(this.journalDir);
    removeJournalDirIfEmpty(this.journalDir);
  }
}

function journalEntryOf(clip: ClipInput, nameFor: (rel: string) => string): JournalEntry {
  const relativePath = normaliseRelativePath(clip.relativePath);
  return {
    name: nameFor(relativePath),
    relativePath,
    originalPath: clip.originalPath ?? relativePath,
    className: clip.className,
    sequence: { data: clip.sequence, shape: clip.shape },
    frames: clip.frames ? encodeFrameRecords(clip.frames) : null,
    ...(clip.regions ? { regions: clip.regions } : {}),
  };
}

/**
 * Writes a whole keypoint file in one atomic step (imports, conversions, synthetic sets); for
 * extraction, where clips arrive one by one and a crash must not lose them, use `openWriter`.
 */
export async function writeSequenceFile(path: string, clips: ClipInput[], options: Omit<WriterOptions, 'flushEvery'> = {}): Promise<string[]> {
  const shape = clips[0]?.shape;
  for (const c of clips) {
    if (c.sequence.length !== c.shape[0] * c.shape[1] || c.shape[0] !== shape[0] || c.shape[1] !== shape[1]) {
      throw new InvalidInputError(`clip ${c.relativePath}: shape [${c.shape}] with ${c.sequence.length} values does not match [${shape}]`);
    }
  }
  const entries = clips.map((c) => journalEntryOf(c, clipDatasetName));
  if (new Set(entries.map((e) => e.name)).size !== entries.length) throw new InvalidInputError('two clips have the same relative path');
  await rewriteSequenceFile(path, { add: entries, labelMap: options.labelMap, extraction: options.extraction, fresh: true });
  return entries.map((e) => e.name);
}

/** Opens a keypoint file for adding clips; one writer per file at a time (another process's live writer is refused). */
export async function openWriter(path: string, options: WriterOptions = {}): Promise<SequenceFileWriter> {
  if (!lockJournal(journalDirFor(path))) {
    throw new StudioError('busy', `Another extraction (process ${journalWriter(journalDirFor(path))}) is writing ${path}: wait for it to finish, or stop it`);
  }
  writeJournalMeta(journalDirFor(path), { labelMap: options.labelMap, extraction: options.extraction });
  let existing: string[] = [];
  let shape: [number, number] | null = null;
  if (options.fresh) {
    // Clips journaled for the old file's settings are of no use to the new one.
    for (const name of listJournal(journalDirFor(path))) removeJournalEntry(journalDirFor(path), name);
    return new SequenceFileWriter(path, options, [], null);
  }
  if (existsSync(path)) {
    existing = await listClipNames(path);
    if (existing.length > 0) {
      const file = await openHdf5(path);
      try {
        const ds = file.get(`${SEQUENCES_GROUP}/${existing[0]}`) as { shape: number[] | null } | null;
        if (ds?.shape?.length === 2) shape = [ds.shape[0], ds.shape[1]];
      } finally {
        file.close();
      }
    }
  }
  const journaled = listJournal(journalDirFor(path));
  if (!shape && journaled.length > 0) {
    const first = readJournalEntry(journalDirFor(path), journaled[0]);
    if (first) shape = first.sequence.shape as [number, number];
  }
  return new SequenceFileWriter(path, options, [...existing, ...journaled], shape);
}

/**
 * Merges clips that a crashed extraction journaled but never merged, so that readers of the HDF5
 * file see every clip the project counts as extracted. Does nothing while a live writer holds the
 * journal. The label map and settings are those the writer was opened with (recorded in the
 * journal), else `fallback`. Returns the number of clips merged.
 */
export async function recoverJournal(path: string, fallback: Pick<WriterOptions, 'labelMap' | 'extraction'> = {}): Promise<number> {
  const dir = journalDirFor(path);
  const pending = listJournal(dir).length;
  if (pending === 0 || journalWriter(dir) !== null) return 0;
  const meta = (readJournalMeta(dir) ?? {}) as Pick<WriterOptions, 'labelMap' | 'extraction'>;
  const writer = await openWriter(path, { labelMap: meta.labelMap ?? fallback.labelMap, extraction: meta.extraction ?? fallback.extraction });
  await writer.close();
  return pending;
}

/** Copies a keypoint file atomically (e.g. before an experiment that relabels). */
export async function copySequenceFile(from: string, to: string): Promise<void> {
  await replaceAtomically(to, (temp) => copyFileSync(from, temp));
}
