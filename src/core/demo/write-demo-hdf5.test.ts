import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readClipFrames, readSequenceFile, readStoredClipFrames } from '../dataset/sequence-file-reader';
import { clipDatasetName } from '../dataset/clip-name';
import type { FrameRecord, Handedness } from '../keypoints/frame-record';
import { generateDemoDataset, writeDemoHdf5, type DemoClipKeypoints } from './index';

const dir = mkdtempSync(join(tmpdir(), 'gstudio-demo-h5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeDemoHdf5', () => {
  const clips = generateDemoDataset({ seed: 2, clipsPerClass: 3, framesPerClip: [20, 44] });

  it('writes the reference layout that readSequenceFile reads back: label map, shape, sequences as extraction makes them', async () => {
    const file = join(dir, 'keypoints.h5');
    const progress: number[] = [];
    const summary = await writeDemoHdf5(clips, file, { onProgress: (done) => progress.push(done) });
    expect(progress).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    const classes = ['circle', 'clap', 'point_up', 'push', 'swipe_left', 'wave'];
    expect(summary.labelMap).toEqual(Object.fromEntries(classes.map((c, i) => [c, i])));

    const read = await readSequenceFile(file);
    expect(read.classNames).toEqual(classes);
    expect(read.labelMap).toEqual(summary.labelMap);
    expect([read.seqLen, read.numFeatures]).toEqual([30, 84]);
    expect(read.clips).toHaveLength(18);
    expect(read.warnings).toEqual([]);
    expect(read.extraction).toMatchObject({ numFrames: 30, numFeatures: 84, resampling: 'middle', detector: 'none', model: 'lite', maxHands: 2 });
    for (const clip of clips) {
      const stored = read.clips.find((c) => c.key === clipDatasetName(clip.relativePath))!;
      expect(stored.originalPath).toBe(clip.relativePath);
      expect(stored.className).toBe(clip.className);
      expect(stored.label).toBe(summary.labelMap[clip.className]);
      expect(stored.data).toHaveLength(30 * 84);
    }
    // Clips shorter than 30 frames are padded with zero frames at the end, as the reference does.
    const short = clips.find((c) => c.frames.length < 30)!;
    const data = read.clips.find((c) => c.originalPath === short.relativePath)!.data;
    expect(data.subarray(short.frames.length * 84).every((v) => v === 0)).toBe(true);

    // Per-frame records for the overlays: the same frames, at float32 precision.
    const frames = await readClipFrames(file, clipDatasetName(clips[4].relativePath));
    expect(frames).toHaveLength(clips[4].frames.length);
    frames!.forEach((f, i) => {
      const want = clips[4].frames[i];
      expect(f.hands.map((h) => h.handedness)).toEqual(want.hands.map((h) => h.handedness));
      f.hands.forEach((h, k) => h.landmarks.forEach((p, j) => expect(p).toEqual(want.hands[k].landmarks[j].map(Math.fround))));
      // The settings say the whole frame (no person detector), so no person box is drawn either.
      expect(f.persons).toEqual([]);
    });
    expect((await readStoredClipFrames(file, clipDatasetName(clips[4].relativePath))).regions).toBe('whole frame');
    // Nothing left beside the file: no journal, no temporary.
    expect(readdirSync(dir)).toEqual(['keypoints.h5']);
  });

  it('stores the sequences of a small hand-made case as worked out by hand', async () => {
    // 2 output frames × 84 (slot 0 = left hand, slot 1 = right hand, each 21 × (x, y); z dropped).
    // Landmark k of a hand is at (x0 + k / 100, y0 + k / 1000), z = 0.9 (never stored).
    const hand = (handedness: Handedness, x0: number, y0: number) => ({
      handedness,
      handednessScore: 0.9,
      score: 0.9,
      landmarks: Array.from({ length: 21 }, (_, k) => [x0 + k / 100, y0 + k / 1000, 0.9] as [number, number, number]),
    });
    const frame = (index: number, hands: FrameRecord['hands']): FrameRecord => ({ index, time: index / 25, persons: [], hands });
    const clip = (relativePath: string, frames: FrameRecord[]): DemoClipKeypoints => ({ className: relativePath.split('/')[0], relativePath, frames });
    const long = clip('a/long.mp4', [
      frame(0, [hand('Left', 0.9, 0.9)]), // dropped: 5 frames to 2 keep frames 1 and 2 (start floor(3 / 2) = 1)
      frame(1, [hand('Right', 0.5, 0.1), hand('Left', 0.1, 0.2)]), // listed right first: still slot 0 = left
      frame(2, [hand('Right', 0.6, 0.3)]), // only a right hand: slot 0 stays zero
      frame(3, [hand('Left', 0.9, 0.9)]), // dropped
      frame(4, [hand('Left', 0.9, 0.9)]), // dropped
    ]);
    const short = clip('b/short.mp4', [frame(0, [hand('Left', 0.3, 0.4), hand('Left', 0.7, 0.8)])]); // second left hand: the free slot 1
    const file = join(dir, 'by-hand.h5');
    await writeDemoHdf5([long, short], file, { frames: 2 });
    const read = await readSequenceFile(file);
    expect([read.seqLen, read.numFeatures]).toEqual([2, 84]);
    const stored = (key: string) => Array.from(read.clips.find((c) => c.originalPath === key)!.data);

    // The long clip, written out: frame 1 -> row 0, frame 2 -> row 1.
    const want = new Array<number>(2 * 84).fill(0);
    for (let k = 0; k < 21; k++) {
      want[0 * 84 + 2 * k] = 0.1 + k / 100; // row 0, slot 0: the left hand at (0.1, 0.2)
      want[0 * 84 + 2 * k + 1] = 0.2 + k / 1000;
      want[0 * 84 + 42 + 2 * k] = 0.5 + k / 100; // row 0, slot 1: the right hand at (0.5, 0.1)
      want[0 * 84 + 42 + 2 * k + 1] = 0.1 + k / 1000;
      want[1 * 84 + 42 + 2 * k] = 0.6 + k / 100; // row 1, slot 1 only: the right hand at (0.6, 0.3)
      want[1 * 84 + 42 + 2 * k + 1] = 0.3 + k / 1000;
    }
    expect(stored('a/long.mp4')).toEqual(want.map(Math.fround));
    // Spot checks of the same by position: the left wrist, the right pinky tip, the empty slot.
    expect(stored('a/long.mp4').slice(0, 2)).toEqual([0.1, 0.2].map(Math.fround));
    expect(stored('a/long.mp4').slice(42 + 40, 42 + 42)).toEqual([0.7, 0.12].map(Math.fround));
    expect(stored('a/long.mp4').slice(84, 84 + 42).every((v) => v === 0)).toBe(true);

    // The short clip: row 0 holds both left hands (the second in slot 1), row 1 is padding.
    const wantShort = new Array<number>(2 * 84).fill(0);
    for (let k = 0; k < 21; k++) {
      wantShort[2 * k] = 0.3 + k / 100;
      wantShort[2 * k + 1] = 0.4 + k / 1000;
      wantShort[42 + 2 * k] = 0.7 + k / 100;
      wantShort[42 + 2 * k + 1] = 0.8 + k / 1000;
    }
    expect(stored('b/short.mp4')).toEqual(wantShort.map(Math.fround));
  });

  it('is readable by h5py with nothing but the reference layout', async () => {
    const file = join(dir, 'for-h5py.h5');
    await writeDemoHdf5(clips.slice(0, 6), file);
    const py = `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
seq = f['sequences']
print(json.dumps({'label_map': json.loads(f.attrs['label_map']), 'n': len(seq),
  'shapes': sorted({str(seq[k].shape) for k in seq}), 'dtypes': sorted({str(seq[k].dtype) for k in seq}),
  'paths': sorted(seq[k].attrs['original_path'] for k in seq), 'labels': sorted({int(seq[k].attrs['label']) for k in seq})}))
`;
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const got = JSON.parse(execFileSync(python, ['-c', py, file]).toString());
    expect(got).toEqual({
      label_map: { circle: 0, wave: 1 },
      n: 6,
      shapes: ['(30, 84)'],
      dtypes: ['float32'],
      paths: clips.slice(0, 6).map((c) => c.relativePath).sort(),
      labels: [0, 1],
    });
  });

  it('replaces an existing file as a whole', async () => {
    const file = join(dir, 'replace.h5');
    await writeDemoHdf5(clips, file);
    const fewer = generateDemoDataset({ seed: 9, classes: ['grab', 'clap'], clipsPerClass: 2 });
    await writeDemoHdf5(fewer, file);
    const read = await readSequenceFile(file);
    expect(read.classNames).toEqual(['clap', 'grab']);
    expect(read.clips.map((c) => c.originalPath).sort()).toEqual(fewer.map((c) => c.relativePath).sort());
    await expect(writeDemoHdf5([], file)).rejects.toThrow(/no demo clips/);
    expect((await readSequenceFile(file)).clips).toHaveLength(4);
  });
});
