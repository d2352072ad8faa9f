import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../errors';
import { writeFailure } from './write-failure';

// A real full disk (a 120 KB tmpfs) was checked by hand: the run stops with the disk_full message and the rerun, with room, finishes the file.
describe('a failure to write the keypoints file', () => {
  const out = join(tmpdir(), 'keypoints.h5');

  it('says the disk is full, and that the finished clips are kept for the next run', () => {
    const err = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const e = writeFailure(err, out, 5);
    expect(e.code).toBe('disk_full');
    expect(e.message).toBe(`No space left on the disk of ${tmpdir()}: free some space and run the extraction again. The 5 clip(s) finished are kept in keypoints.h5.journal and go into the file on the next run.`);
  });

  it("gives HDF5's reason in one line when the disk has room", () => {
    const err = new Error('HDF5-DIAG: Error detected in HDF5 (2.0.0):\n  #000: H5F.c line 1 in H5Fcreate(): unable to create file\n    minor: Unable to open file');
    const e = writeFailure(err, out, 0);
    expect(e.code).toBe('keypoints_write');
    expect(e.message).toBe('Could not write keypoints.h5 (minor: Unable to open file).');
  });

  it('passes the studio\'s own errors through', () => {
    const own = new StudioError('invalid_input', 'shape [5,84] differs');
    expect(writeFailure(own, out, 1)).toBe(own);
  });
});
