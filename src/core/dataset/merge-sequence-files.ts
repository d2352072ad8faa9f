import { copyFileSync, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { settingsDifferences } from '../../api/recorded-settings';
import { StudioError } from '../errors';
import { journalDirFor, journalWriter, lockJournal, removeJournalDirIfEmpty, unlockJournal } from './clip-journal';
import { copyAttrs, copyTree } from './hdf5-copy';
import { ensureGroup, getGroup, hdf5, isDataset, isGroup, openHdf5, type H5File, type H5Group } from './hdf5-module';
import { removeStaleTemps, replaceAtomically } from './atomic-file';
import { EXTRACTION_ATTR, FRAMES_GROUP, LABEL_MAP_ATTR, SEQUENCES_GROUP, STUDIO_FORMAT_ATTR, STUDIO_FORMAT_VERSION } from './reference-layout';

export interface MergeOutcome {
  /** Clips the parts added to the file. */
  added: string[];
  /** Clips of the parts the file (or an earlier part) already had: not written again. */
  alreadyIn: number;
  /** Every clip of the merged file. */
  names: string[];
  /** Leftover temporary files of dead merges that were removed. */
  staleTemps: string[];
}

interface Recorded {
  path: string;
  extraction: Record<string, unknown> | null;
  labelMap: string | null;
}

async function recordedOf(path: string): Promise<Recorded> {
  const file = await openHdf5(path);
  try {
    const attr = (name: string) => (name in file.attrs ? String(file.attrs[name].value) : null);
    const extraction = attr(EXTRACTION_ATTR);
    return { path, extraction: extraction ? JSON.parse(extraction) : null, labelMap: attr(LABEL_MAP_ATTR) };
  } finally {
    file.close();
  }
}

/** Every part must be made as the file (or the first part) was: other settings or classes are refused, naming what differs. */
function checkCompatible(reference: Recorded, others: Recorded[]): void {
  for (const part of others) {
    const differs = reference.extraction && part.extraction ? settingsDifferences(reference.extraction, part.extraction as never) : [];
    if (differs.length > 0) {
      throw new StudioError(
        'settings_changed',
        `${basename(part.path)} was extracted with other settings than ${basename(reference.path)} (${differs.join(', ')}): extract that shard again with the same settings (--redo), or remove it`,
      );
    }
    if (reference.labelMap && part.labelMap && reference.labelMap !== part.labelMap) {
      throw new StudioError(
        'settings_changed',
        `${basename(part.path)} has other classes than ${basename(reference.path)} (label map ${part.labelMap} vs ${reference.labelMap}): the classes changed between the runs; extract that shard again (--redo)`,
      );
    }
  }
}

function copyClip(from: H5File, to: H5File, seq: H5Group, name: string): void {
  const ds = from.get(`${SEQUENCES_GROUP}/${name}`);
  if (!isDataset(ds)) return;
  const copy = seq.create_dataset({ name, data: ds.value as never, shape: ds.shape ?? [], dtype: ds.dtype });
  copyAttrs(ds as never, copy as never);
  const frames = from.get(`${FRAMES_GROUP}/${name}`);
  if (isGroup(frames)) copyTree(frames, ensureGroup(to, `${FRAMES_GROUP}/${name}`), () => false);
}

/**
 * Combines part files (shards of one extraction) into `target`, through a temporary file and a
 * rename: a crash (even kill -9) leaves the old file as it was, and running the merge again
 * completes it (leftover temporary files of dead merges are removed first). A clip is written once:
 * one the file or an earlier part already has is left out. Holds the target's writer lock, so that
 * no extraction writes the file meanwhile. The parts are left for the caller to remove.
 */
export async function mergeSequenceFiles(target: string, parts: string[]): Promise<MergeOutcome> {
  if (parts.length === 0) throw new StudioError('nothing_to_merge', `No part files beside ${target}: run gstudio extract --shard I/N first`);
  const lockDir = journalDirFor(target);
  if (!lockJournal(lockDir)) {
    throw new StudioError('busy', `Another process (${journalWriter(lockDir)}) is writing ${basename(target)}: wait for it to finish, then merge`);
  }
  try {
    // The writer lock is ours: any temporary file of the target is a stopped merge's, whatever its age.
    const staleTemps = removeStaleTemps(target, 0);
    const exists = existsSync(target);
    const recorded = await Promise.all([...(exists ? [target] : []), ...parts].map(recordedOf));
    checkCompatible(recorded[0], recorded.slice(1));
    const lib = await hdf5();
    const added: string[] = [];
    const names: string[] = [];
    let alreadyIn = 0;
    await replaceAtomically(target, (temp) => {
      let file: H5File;
      if (exists) {
        copyFileSync(target, temp);
        file = new lib.File(temp, 'a');
      } else {
        file = new lib.File(temp, 'w');
      }
      try {
        const first = new lib.File(parts[0], 'r');
        try {
          // A new file takes the root attributes (label map, settings) of the parts, which all agree.
          if (!exists) copyAttrs(first as never, file as never);
        } finally {
          first.close();
        }
        if (!(STUDIO_FORMAT_ATTR in file.attrs)) file.create_attribute(STUDIO_FORMAT_ATTR, STUDIO_FORMAT_VERSION);
        const seq = ensureGroup(file, SEQUENCES_GROUP);
        const have = new Set(seq.keys());
        names.push(...have);
        for (const path of parts) {
          const part = new lib.File(path, 'r');
          try {
            for (const name of getGroup(part, SEQUENCES_GROUP)?.keys() ?? []) {
              if (have.has(name)) {
                alreadyIn++;
                continue;
              }
              copyClip(part, file, seq, name);
              have.add(name);
              added.push(name);
              names.push(name);
            }
          } finally {
            part.close();
          }
        }
      } finally {
        file.close();
      }
    });
    return { added, alreadyIn, names: names.sort(), staleTemps };
  } finally {
    unlockJournal(lockDir);
    removeJournalDirIfEmpty(lockDir);
  }
}
