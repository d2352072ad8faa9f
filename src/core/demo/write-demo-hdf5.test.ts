import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readClipFrames, readSequenceFile } from '../dataset/sequence-file-reader';
import { clipDatasetName } from '../dataset/clip-name';
import { frameFeatures } from '../keypoints/frame-features';
import { shapeSequence } from '../keypoints/sequence';
import { generateDemoDataset, writeDemoHdf5 } from './index';

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
    expect(read.extraction).toMatchObject({ numFrames: 30, numFeatures: 84, resampling: 'middle', detector: 'none', model: 'full', maxHands: 2 });
    for (const clip of clips) {
      const stored = read.clips.find((c) => c.key === clipDatasetName(clip.relativePath))!;
      expect(stored.originalPath).toBe(clip.relativePath);
      expect(stored.className).toBe(clip.className);
      expect(stored.label).toBe(summary.labelMap[clip.className]);
      expect(stored.data).toEqual(shapeSequence(clip.frames.map((f) => frameFeatures(f)), 30, 'middle'));
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
      expect(f.persons[0].box).toEqual(want.persons[0].box.map(Math.fround));
    });
    // Nothing left beside the file: no journal, no temporary.
    expect(readdirSync(dir)).toEqual(['keypoints.h5']);
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
