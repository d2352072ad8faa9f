import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { openWriter, readRecordedExtraction, type SequenceFileWriter } from '../dataset';
import { DatasetFileError, StudioError } from '../errors';
import { INPUT_SIZE } from '../keypoints/frame-record';
import { labelMapFor, recordedSettings, settingsDifferences } from './extraction-settings';
import type { ExtractionRequest } from './run-extraction';

const REDO_ALL = 'extract every clip again (Extraction view: "Extract all again"; gstudio extract --redo)';

/** What a keypoints file was extracted with, or null when there is none yet (a damaged file throws DatasetFileError). */
export async function recordedSettingsOf(file: string): Promise<Record<string, unknown> | null> {
  return existsSync(file) ? await readRecordedExtraction(file) : null;
}

/**
 * Opens the run's keypoints file for writing: refuses other settings than the file's (one file never
 * mixes sequences made in different ways) unless the run replaces every clip, which starts it afresh.
 */
export async function openExtractionFile(
  req: Pick<ExtractionRequest, 'outFile' | 'settings' | 'classes' | 'replaceAll'>,
): Promise<{ writer: SequenceFileWriter; changed: string[] }> {
  const labelMap = labelMapFor(req.classes);
  const extraction = recordedSettings(req.settings, INPUT_SIZE);
  let recorded: Record<string, unknown> | null = null;
  let damaged = false;
  try {
    recorded = await recordedSettingsOf(req.outFile);
  } catch (err) {
    if (!(err instanceof DatasetFileError)) throw err;
    // A damaged file cannot be added to; extracting every clip writes a new one in its place.
    if (!req.replaceAll) throw new StudioError('keypoints_damaged', `${err.message.replace(/: re-run extraction$/, '')}: ${REDO_ALL} to write it anew`);
    damaged = true;
  }
  const changed = recorded ? settingsDifferences(recorded, extraction) : [];
  if (changed.length > 0 && !req.replaceAll) {
    throw new StudioError('settings_changed', `${basename(req.outFile)} was extracted with other settings (${changed.join(', ')}): ${REDO_ALL} to use these, or set them back`);
  }
  const writer = await openWriter(req.outFile, { labelMap, extraction, flushEvery: 200, fresh: changed.length > 0 || damaged });
  return { writer, changed };
}
