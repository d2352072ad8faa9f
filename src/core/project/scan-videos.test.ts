import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../test-support/make-clips';
import { scanVideoFolder } from './scan-videos';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-scan-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scanVideoFolder', () => {
  it('finds the clips of each class folder and reports what is outside them', () => {
    const root = join(tmp, 'dataset');
    makeClip(join(root, 'wave', 'a.mp4'));
    makeClip(join(root, 'point', 'nested', 'b.mp4'));
    makeClip(join(root, 'loose.mp4'));
    const scan = scanVideoFolder(root);
    expect(scan.classes).toEqual(['point', 'wave']);
    expect(scan.clips.map((c) => c.relPath)).toEqual(['point/nested/b.mp4', 'wave/a.mp4']);
    expect(scan.skipped).toEqual([{ path: 'loose.mp4', reason: 'not inside a class folder' }]);
  });

  it('says that videos must be in one sub-folder per class when they all sit at the top level, and how many', () => {
    const root = join(tmp, 'flat');
    makeClip(join(root, 'wave_01.mp4'));
    makeClip(join(root, 'wave_02.mp4'));
    makeClip(join(root, 'point_01.mov'));
    writeFileSync(join(root, 'notes.txt'), 'recorded on Monday');
    expect(() => scanVideoFolder(root)).toThrow(`No video files in class sub-folders of ${root}: found 3 videos directly in it. Videos must be in one sub-folder per class (${join(root, '<class>', 'clip.mp4')})`);
  });

  it('says so when there is no video at all', () => {
    const root = join(tmp, 'empty');
    mkdirSync(join(root, 'wave'), { recursive: true });
    writeFileSync(join(root, 'wave', 'notes.txt'), '');
    expect(() => scanVideoFolder(root)).toThrow(`No video files in ${root}: it should hold one sub-folder per class with clips inside`);
  });
});
