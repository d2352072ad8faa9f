import { statfsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { firstLine } from '../dataset/hdf5-module';
import { StudioError } from '../errors';

/**
 * Why the keypoints file could not be written, in words a user can act on. HDF5 reports a full disk
 * as a generic write error, so the free space is looked at too.
 */
export function writeFailure(err: unknown, outFile: string, kept: number): StudioError {
  if (err instanceof StudioError) return err;
  const full = (err as NodeJS.ErrnoException)?.code === 'ENOSPC' || freeBytes(dirname(outFile)) < 1024 * 1024;
  const keptNote = kept > 0 ? ` The ${kept} clip(s) finished are kept in ${basename(outFile)}.journal and go into the file on the next run.` : '';
  if (full) return new StudioError('disk_full', `No space left on the disk of ${dirname(outFile)}: free some space and run the extraction again.${keptNote}`);
  return new StudioError('keypoints_write', `Could not write ${basename(outFile)} (${firstLine(err)}).${keptNote}`);
}

function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
