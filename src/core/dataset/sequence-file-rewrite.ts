import { copyFileSync, existsSync } from 'node:fs';
import { InvalidInputError } from '../errors';
import type { JournalEntry } from './clip-journal';
import { copyTree } from './hdf5-copy';
import { ensureGroup, getGroup, hdf5, isDataset, openHdf5, type H5File, type H5Group } from './hdf5-module';
import { replaceAtomically } from './atomic-file';
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
  STUDIO_FORMAT_ATTR,
  STUDIO_FORMAT_VERSION,
  type ExtractionSettings,
} from './reference-layout';

export interface RewriteRequest {
  add?: JournalEntry[];
  /** {clip name: new class name}. */
  relabel?: Record<string, string>;
  labelMap?: Record<string, number>;
  /**
   * The project's classes (instead of a fixed map): the label map becomes exactly these, sorted,
   * so classes renamed or merged away leave it; a class some clip of the file still has stays.
   */
  classes?: string[];
  extraction?: ExtractionSettings;
  /** Ignore any existing file: write only `add`. */
  fresh?: boolean;
}

function setAttr(obj: H5Group, name: string, value: string | number): void {
  if (name in obj.attrs) obj.delete_attribute(name);
  obj.create_attribute(name, value);
}

function readLabelMap(file: H5File): Record<string, number> {
  if (!(LABEL_MAP_ATTR in file.attrs)) return {};
  try {
    return JSON.parse(String(file.attrs[LABEL_MAP_ATTR].value));
  } catch {
    return {};
  }
}

/**
 * Applies additions and relabels to a keypoint file through a temporary copy and a rename. When a
 * clip is replaced the file is rebuilt without the old one (h5wasm cannot delete); otherwise the old
 * file is copied and appended to. The label map stays "sorted class names -> index" unless fixed.
 */
export async function rewriteSequenceFile(path: string, req: RewriteRequest): Promise<void> {
  const lib = await hdf5();
  const add = req.add ?? [];
  const relabel = req.relabel ?? {};
  const exists = !req.fresh && existsSync(path);
  const old = exists ? await openHdf5(path) : null;
  let oldNames: string[] = [];
  let oldMap: Record<string, number> = {};
  const oldClasses = new Map<string, string>();
  try {
    if (old) {
      oldMap = readLabelMap(old);
      const seq = getGroup(old, SEQUENCES_GROUP);
      oldNames = seq?.keys() ?? [];
      for (const n of oldNames) {
        const ds = seq!.get(n);
        if (isDataset(ds) && CLASS_NAME_ATTR in ds.attrs) oldClasses.set(n, String(ds.attrs[CLASS_NAME_ATTR].value));
      }
    }
  } finally {
    old?.close();
  }
  for (const name of Object.keys(relabel)) {
    if (!oldNames.includes(name) && !add.some((e) => e.name === name)) throw new InvalidInputError(`${path}: there is no clip "${name}" to relabel`);
  }

  const classes = new Set<string>([...Object.keys(oldMap), ...add.map((e) => e.className), ...Object.values(relabel)]);
  let labelMap: Record<string, number>;
  if (req.labelMap) {
    for (const c of classes) if (!(c in req.labelMap)) throw new InvalidInputError(`class "${c}" is not in the fixed label map`);
    labelMap = req.labelMap;
  } else if (req.classes) {
    const kept = oldNames.filter((n) => !add.some((e) => e.name === n)).map((n) => relabel[n] ?? oldClasses.get(n));
    const used = [...add.map((e) => relabel[e.name] ?? e.className), ...kept].filter((c): c is string => c !== undefined);
    labelMap = Object.fromEntries([...new Set([...req.classes, ...used])].sort().map((c, i) => [c, i]));
  } else {
    labelMap = Object.fromEntries([...classes].sort().map((c, i) => [c, i]));
  }
  const mapChanged = JSON.stringify(labelMap) !== JSON.stringify(oldMap);
  const replaced = new Set(add.map((e) => e.name).filter((n) => oldNames.includes(n)));

  await replaceAtomically(path, (temp) => {
    let file: H5File;
    if (exists && replaced.size === 0) {
      copyFileSync(path, temp);
      file = new lib.File(temp, 'a');
    } else {
      file = new lib.File(temp, 'w');
      if (exists) {
        const src = new lib.File(path, 'r');
        try {
          const framesPrefix = `${FRAMES_GROUP}/`;
          copyTree(src, file, (rel) => {
            if (rel.startsWith(`${SEQUENCES_GROUP}/`)) return replaced.has(rel.slice(SEQUENCES_GROUP.length + 1));
            if (rel.startsWith(framesPrefix)) return replaced.has(rel.slice(framesPrefix.length));
            return false;
          });
        } finally {
          src.close();
        }
      }
    }
    try {
      setAttr(file, LABEL_MAP_ATTR, JSON.stringify(labelMap));
      setAttr(file, STUDIO_FORMAT_ATTR, STUDIO_FORMAT_VERSION);
      if (req.extraction) setAttr(file, EXTRACTION_ATTR, JSON.stringify(req.extraction));
      const seq = ensureGroup(file, SEQUENCES_GROUP);
      // Existing clips: new class where relabelled, new label number where the map changed.
      for (const name of oldNames) {
        if (replaced.has(name)) continue;
        const newClass = relabel[name];
        if (newClass === undefined && !mapChanged) continue;
        const ds = seq.get(name);
        if (!isDataset(ds)) continue;
        const cls = newClass ?? oldClasses.get(name);
        if (cls === undefined || !(cls in labelMap)) continue;
        if (newClass !== undefined) setAttr(ds as unknown as H5Group, CLASS_NAME_ATTR, newClass);
        setAttr(ds as unknown as H5Group, LABEL_ATTR, labelMap[cls]);
      }
      for (const entry of add) {
        const cls = relabel[entry.name] ?? entry.className;
        const ds = seq.create_dataset({ name: entry.name, data: entry.sequence.data as Float32Array, shape: entry.sequence.shape, dtype: '<f' });
        ds.create_attribute(LABEL_ATTR, labelMap[cls]);
        ds.create_attribute(ORIGINAL_PATH_ATTR, entry.originalPath);
        ds.create_attribute(CLASS_NAME_ATTR, cls);
        ds.create_attribute(RELATIVE_PATH_ATTR, entry.relativePath);
        if (entry.regions) ds.create_attribute(REGIONS_ATTR, entry.regions);
        if (entry.frames) {
          const group = ensureGroup(file, `${FRAMES_GROUP}/${entry.name}`);
          for (const [key, arr] of Object.entries(entry.frames)) group.create_dataset({ name: key, data: arr.data, shape: arr.shape });
        }
      }
    } finally {
      file.close();
    }
  });
}
