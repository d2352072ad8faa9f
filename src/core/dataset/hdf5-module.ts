import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { DatasetFileError } from '../errors';
import { HDF5_SIGNATURE } from './reference-layout';

export type H5File = InstanceType<typeof h5wasm.File>;
export type H5Group = InstanceType<typeof h5wasm.Group>;
export type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

let readyPromise: Promise<typeof h5wasm> | null = null;

/** h5wasm, initialised once, with HDF5 errors thrown as exceptions instead of printed to stderr. */
export function hdf5(): Promise<typeof h5wasm> {
  readyPromise ??= h5wasm.ready.then((module) => {
    module.activate_throwing_error_handler();
    return h5wasm;
  });
  return readyPromise;
}

/** Checks the file before HDF5 sees it, so that a user gets "empty" or "not HDF5" rather than a stack. */
export function checkHdf5File(path: string): void {
  if (!existsSync(path)) throw new DatasetFileError('missing', path, 'the file does not exist; check the path or run extraction first');
  const stat = statSync(path);
  if (stat.isDirectory()) {
    const hint = existsSync(join(path, 'gstudio.sqlite')) ? ` (a project: its keypoints are ${join(path, 'keypoints.h5')})` : '';
    throw new DatasetFileError('missing', path, `this is a folder, not an HDF5 file${hint}`);
  }
  const size = stat.size;
  if (size === 0) throw new DatasetFileError('empty', path, 'the file is empty (0 bytes); re-run extraction to write it again');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(8);
    // The superblock may sit after a user block, at 0, 512, 1024, 2048, ...
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      readSync(fd, buf, 0, 8, offset);
      if (buf.equals(HDF5_SIGNATURE)) return;
    }
  } finally {
    closeSync(fd);
  }
  throw new DatasetFileError('corrupt', path, 'this is not an HDF5 file (no HDF5 signature); choose the .h5 file written by extraction');
}

/** Opens an existing HDF5 file read-only (or for append), turning HDF5 failures into typed errors. */
export async function openHdf5(path: string, mode: 'r' | 'a' = 'r'): Promise<H5File> {
  checkHdf5File(path);
  const lib = await hdf5();
  let file: H5File;
  try {
    file = new lib.File(path, mode);
  } catch (err) {
    throw new DatasetFileError('corrupt', path, `HDF5 cannot open it (${firstLine(err)}); the file is damaged: re-run extraction`);
  }
  if (file.file_id < 0n) throw new DatasetFileError('corrupt', path, 'HDF5 cannot open it; the file is damaged: re-run extraction');
  return file;
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split('\n').map((l) => l.trim());
  // h5wasm's thrown messages start with the generic "HDF5-DIAG" header; the useful part is the last "minor:".
  const minor = lines.filter((l) => l.startsWith('minor:')).pop();
  return (minor ?? lines[0] ?? '').slice(0, 200);
}

/** Creates every missing group along a slash-separated path (h5wasm creates one level at a time). */
export function ensureGroup(root: H5Group, path: string): H5Group {
  let group = root;
  for (const part of path.split('/').filter(Boolean)) {
    const existing = group.get(part);
    group = existing instanceof h5wasm.Group ? existing : group.create_group(part);
  }
  return group;
}

export function getGroup(root: H5Group, path: string): H5Group | null {
  let group: H5Group = root;
  for (const part of path.split('/').filter(Boolean)) {
    if (!group.keys().includes(part)) return null;
    const next = group.get(part);
    if (!(next instanceof h5wasm.Group)) return null;
    group = next;
  }
  return group;
}

export const isDataset = (x: unknown): x is H5Dataset => x instanceof h5wasm.Dataset;
export const isGroup = (x: unknown): x is H5Group => x instanceof h5wasm.Group;
