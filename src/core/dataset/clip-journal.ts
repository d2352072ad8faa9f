import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ShapedArray, StoredArray } from './frame-records-codec';
import { replaceAtomically } from './atomic-file';
import type { ClipRegions } from './reference-layout';

/**
 * Clips written by extraction but not yet merged into the HDF5 file: one small file per clip in
 * `<file>.journal/`, each written atomically. A rerun after a crash finds them and skips those clips;
 * the next merge moves them into the HDF5 file (itself replaced atomically).
 */
export interface JournalEntry {
  name: string;
  relativePath: string;
  originalPath: string;
  className: string;
  sequence: ShapedArray;
  frames: Record<string, ShapedArray> | null;
  /** Where the hands were searched (files before this was recorded have none). */
  regions?: ClipRegions;
}

const MAGIC = Buffer.from('GSTUDIO-CLIP-1\n');
const EXT = '.clip';
const CTORS = { Float32Array, Float64Array, Int32Array, Int8Array, Uint8Array } as const;
type CtorName = keyof typeof CTORS;

interface ArrayHeader {
  type: CtorName;
  shape: number[];
  offset: number;
  length: number;
}

export function journalDirFor(h5Path: string): string {
  return `${h5Path}.journal`;
}

export function listJournal(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(EXT) && !f.startsWith('.'))
    .map((f) => f.slice(0, -EXT.length))
    .sort();
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

export async function writeJournalEntry(dir: string, entry: JournalEntry): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const arrays: Record<string, ShapedArray> = { sequence: entry.sequence };
  for (const [k, v] of Object.entries(entry.frames ?? {})) arrays[`frames/${k}`] = v;
  const headers: Record<string, ArrayHeader> = {};
  let offset = 0;
  for (const [key, { data, shape }] of Object.entries(arrays)) {
    headers[key] = { type: data.constructor.name as CtorName, shape, offset, length: data.length };
    offset = align8(offset + data.byteLength);
  }
  const header = Buffer.from(
    JSON.stringify({ name: entry.name, relativePath: entry.relativePath, originalPath: entry.originalPath, className: entry.className, regions: entry.regions, hasFrames: entry.frames !== null, arrays: headers }),
  );
  const headerLen = Buffer.alloc(4);
  headerLen.writeUInt32LE(header.length);
  const start = align8(MAGIC.length + 4 + header.length);
  const buf = Buffer.alloc(start + offset);
  MAGIC.copy(buf, 0);
  headerLen.copy(buf, MAGIC.length);
  header.copy(buf, MAGIC.length + 4);
  for (const [key, { data }] of Object.entries(arrays)) {
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(buf, start + headers[key].offset);
  }
  await replaceAtomically(join(dir, entry.name + EXT), (temp) => writeFileSync(temp, buf));
}

/** Reads one entry; a damaged entry (should not happen: writes are atomic) is reported as null. */
export function readJournalEntry(dir: string, name: string): JournalEntry | null {
  const buf = readFileSync(join(dir, name + EXT));
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const headerLen = buf.readUInt32LE(MAGIC.length);
  const meta = JSON.parse(buf.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLen).toString('utf8'));
  const start = align8(MAGIC.length + 4 + headerLen);
  const arrays: Record<string, ShapedArray> = {};
  for (const [key, h] of Object.entries(meta.arrays as Record<string, ArrayHeader>)) {
    const Ctor = CTORS[h.type];
    const bytes = buf.subarray(start + h.offset, start + h.offset + h.length * Ctor.BYTES_PER_ELEMENT);
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    arrays[key] = { data: new Ctor(copy.buffer) as StoredArray, shape: h.shape };
  }
  const frames: Record<string, ShapedArray> = {};
  for (const [k, v] of Object.entries(arrays)) if (k.startsWith('frames/')) frames[k.slice(7)] = v;
  return {
    name: meta.name,
    relativePath: meta.relativePath,
    originalPath: meta.originalPath,
    className: meta.className,
    sequence: arrays.sequence,
    frames: meta.hasFrames ? frames : null,
    ...(meta.regions === 'person boxes' || meta.regions === 'whole frame' ? { regions: meta.regions as ClipRegions } : {}),
  };
}

export function removeJournalEntry(dir: string, name: string): void {
  rmSync(join(dir, name + EXT), { force: true });
}

export function removeJournalDirIfEmpty(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
}

// The writing process's pid: a journal is resumed or merged by someone else only once its writer is gone.
const LOCK = '.writer.lock';

/** The pid of a live process writing this journal other than this one, or null. */
export function journalWriter(dir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, LOCK), 'utf8'));
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    // EPERM: alive, but another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/** Claims the journal for this process; false when a live process holds it. */
export function lockJournal(dir: string): boolean {
  if (journalWriter(dir) !== null) return false;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, LOCK), String(process.pid));
  return true;
}

export function unlockJournal(dir: string): void {
  rmSync(join(dir, LOCK), { force: true });
}

// What the writer was opened with (label map, settings), so that whoever merges a dead writer's journal writes the same file.
const META = '.writer.json';

export function writeJournalMeta(dir: string, meta: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, META), JSON.stringify(meta));
}

export function readJournalMeta(dir: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dir, META), 'utf8'));
  } catch {
    return null;
  }
}

export function removeJournalMeta(dir: string): void {
  rmSync(join(dir, META), { force: true });
}
