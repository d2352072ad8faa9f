import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../errors';
import { writeSequenceFile, type ClipInput } from './sequence-file-writer';

/**
 * Converts a keypoint CSV (each row: label index, then seqLen × numFeatures numbers, as in the
 * hand-gesture-recognition data: point_history.csv is 16 × (dx, dy)) into a reference-layout HDF5 file.
 * Clip i is named after the relative path "<class>/row_<i>", so names are stable for the file.
 */
export async function convertKeypointCsv(options: {
  csvPath: string;
  classNames: string[];
  seqLen: number;
  outPath: string;
}): Promise<{ clips: number }> {
  const { csvPath, classNames, seqLen, outPath } = options;
  const rows = readFileSync(csvPath, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const labelMap = Object.fromEntries(classNames.map((c, i) => [c, i]));
  const clips: ClipInput[] = [];
  let index = 0;
  for (const row of rows) {
    const values = row.split(',').map(Number);
    const label = values[0];
    const seq = Float32Array.from(values.slice(1));
    if (!Number.isInteger(label) || label < 0 || label >= classNames.length) throw new InvalidInputError(`${csvPath} row ${index + 1}: label ${values[0]} is not one of the ${classNames.length} classes`);
    if (seq.length % seqLen !== 0 || seq.some(Number.isNaN)) throw new InvalidInputError(`${csvPath} row ${index + 1}: ${seq.length} values do not make ${seqLen} frames`);
    const rel = `${classNames[label]}/row_${String(index).padStart(5, '0')}`;
    clips.push({ relativePath: rel, className: classNames[label], sequence: seq, shape: [seqLen, seq.length / seqLen] });
    index++;
  }
  await writeSequenceFile(outPath, clips, { labelMap, extraction: { numFrames: seqLen, numFeatures: clips[0]?.shape[1], source: 'keypoint-csv' } });
  return { clips: index };
}

/** A labels file with one class name per line (e.g. point_history_labels.csv). */
export function readLabelList(path: string): string[] {
  return readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}
