import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderClipResult } from '../api';
import { writeSyntheticSequences } from '../core/dataset/synthetic-sequences';
import { train } from '../core/training/train';
import { ffmpegPath } from '../core/video/binaries';
import { makeClip } from '../test-support/make-clips';
import { repoRoot, sharedData } from '../test-support/shared-data';

let tmp: string;
let run: string;
let folder: string;

/** The real command, as `npx gstudio` runs it. */
function gstudio(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'gstudio.mjs'), ...args], { encoding: 'utf8', timeout: 600_000, cwd: tmp });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Parsed by Python's csv module, as a researcher's script would read the file. */
function pythonCsv(file: string): string[][] {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', 'import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))))', file]).toString());
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-cli-folder-'));
  const data = join(tmp, 'video-like.h5');
  await writeSyntheticSequences({ path: data, classes: 3, perClass: 12, seqLen: 12, features: 84, seed: 5 });
  run = join(tmp, 'run');
  await train({ dataPath: data, runDir: run, epochs: 2, hiddenSize: 16, numLayers: 1, batchSize: 8 });
  folder = join(tmp, 'new clips');
  const cut = (path: string, at: number) => {
    mkdirSync(join(path, '..'), { recursive: true });
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-ss', String(at), '-i', sharedData('video', 'hand_test_640x360.mp4'), '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]);
  };
  cut(join(folder, 'class_0', 'take 1, "best".mp4'), 0);
  cut(join(folder, 'class_1', 'b.mp4'), 5);
  makeClip(join(folder, 'class_2', 'bars.mp4'), { seconds: 1, source: 'smptebars' });
  writeFileSync(join(folder, 'class_2', 'broken.mp4'), Buffer.concat([Buffer.from('000000206674797069736f6d', 'hex'), Buffer.alloc(2000, 7)]));
  writeFileSync(join(folder, 'notes.txt'), 'recorded on Monday');
  symlinkSync('..', join(folder, 'class_1', 'loop'));
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('gstudio predict <run> <folder>', () => {
  let table: ReturnType<typeof gstudio>;

  it('prints a table of every clip (answer or reason), the accuracy over class folders, and what it skipped', { timeout: 300_000 }, () => {
    table = gstudio('predict', run, folder, '--csv', join(tmp, 'out.csv'), '--workers', '2');
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/^file\s+true\s+predicted\s+confidence$/m);
    expect(table.out).toMatch(/^class_0\/take 1, "best"\.mp4\s+class_0\s+class_\d\s+\d+\.\d%\s+[✓✗]$/m);
    expect(table.out).toMatch(/^class_2\/bars\.mp4\s+class_2\s+–\s+no hands: no hands were found in any of its 25 frames$/m);
    expect(table.out).toMatch(/^class_2\/broken\.mp4\s+class_2\s+–\s+unreadable: /m);
    expect(table.out).toMatch(/^2 of 4 clips predicted; failed: 1 unreadable, 1 no hands\.$/m);
    expect(table.out).toMatch(/^Regions: the whole frame \(as the model was trained\); run by TensorFlow\.js; 75 frames in [\d.]+ s\.$/m);
    expect(table.out).toMatch(/^Accuracy [0-2]\/2 \((0\.0|50\.0|100\.0)%\) over the predicted clips in class folders\.$/m);
    expect(table.out).toMatch(/^Confusion matrix \(rows: true, columns: predicted\)$/m);
    expect(table.out).toMatch(/^ {2}skipped class_1\/loop: symbolic link loop/m);
    expect(table.out).toMatch(/^ {2}skipped notes\.txt: not a video file$/m);
    expect(table.out).toMatch(/^CSV: .*out\.csv$/m);
    // stderr is a pipe: progress as plain lines, clips done of the total.
    expect(table.err).toMatch(/^Predicting 4\/4 clips \(100%\)/m);
  });

  it('writes CSV that Python reads back, names with commas and quotes intact, the same answers as --json', { timeout: 300_000 }, () => {
    const rows = pythonCsv(join(tmp, 'out.csv'));
    expect(rows[0]).toEqual(['file', 'true_class', 'predicted', 'confidence', 'correct', 'in_top3', 'in_top5', 'top5_labels', 'top5_probabilities', 'frames', 'frames_with_hands', 'status', 'reason']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['class_0/take 1, "best".mp4', 'class_1/b.mp4', 'class_2/bars.mp4', 'class_2/broken.mp4']);
    const json = gstudio('predict', run, folder, '--json', '--workers', '2');
    expect(json.code, json.err).toBe(0);
    const parsed = JSON.parse(json.out) as { clips: FolderClipResult[]; summary: { accuracy: number; correct: number }; skipped: { path: string }[] };
    expect(parsed.skipped.map((s) => s.path)).toEqual(['class_1/loop', 'notes.txt']);
    for (const [i, c] of parsed.clips.entries()) {
      const r = rows[i + 1];
      expect(r[0]).toBe(c.file);
      expect(r[1]).toBe(c.trueClass ?? '');
      expect(r[2]).toBe(c.predicted ?? '');
      expect(r[3]).toBe(c.confidence === null ? '' : c.confidence.toFixed(4));
      expect(r[4]).toBe(c.status !== 'ok' ? '' : c.predicted === c.trueClass ? '1' : '0');
      expect(r[7]).toBe(c.top.map((t) => t.label).join(';'));
      expect(r[9]).toBe(c.frames === null ? '' : String(c.frames));
      expect(r[11]).toBe(c.status);
      expect(r[12]).toBe(c.reason ?? '');
      // The table printed the same answer.
      if (c.status === 'ok') expect(table.out).toContain(`${c.predicted}`);
    }
    expect(rows.slice(1).filter((r) => r[4] === '1')).toHaveLength(parsed.summary.correct);
  });

  it('says why, in one line, for a folder that does not exist, an empty one, a file for --csv, and a model of other input', async () => {
    const missing = gstudio('predict', run, join(tmp, 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^gstudio: .*nowhere does not exist: give a video, or a folder of videos$/m);
    mkdirSync(join(tmp, 'empty'));
    expect(gstudio('predict', run, join(tmp, 'empty')).err).toMatch(/^gstudio: No video files in .*empty: it is empty$/m);
    expect(gstudio('predict', run, join(folder, 'class_1', 'b.mp4'), '--csv', join(tmp, 'x.csv')).err).toMatch(/^gstudio: --csv writes the results of a folder/m);
    expect(gstudio('predict', run, folder, '--workers', '65').err).toBe('gstudio: --workers must be at most 64\n');
    const data2 = join(tmp, 'trajectories.h5');
    await writeSyntheticSequences({ path: data2, classes: 2, perClass: 12, seqLen: 8, features: 2, seed: 6 });
    await train({ dataPath: data2, runDir: join(tmp, 'run2'), epochs: 1, hiddenSize: 8, numLayers: 1, batchSize: 8 });
    const other = gstudio('predict', join(tmp, 'run2'), folder);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/^gstudio: This model takes 2 features per frame/m);
  }, 120_000);
});
