import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
  it('finds the clips of each class folder and reports what is outside them', async () => {
    const root = join(tmp, 'dataset');
    makeClip(join(root, 'wave', 'a.mp4'));
    makeClip(join(root, 'point', 'nested', 'b.mp4'));
    makeClip(join(root, 'loose.mp4'));
    const scan = await scanVideoFolder(root);
    expect(scan.classes).toEqual(['point', 'wave']);
    expect(scan.clips.map((c) => c.relPath)).toEqual(['point/nested/b.mp4', 'wave/a.mp4']);
    expect(scan.skipped).toEqual([{ path: 'loose.mp4', reason: 'not inside a class folder' }]);
  });

  it('says that videos must be in one sub-folder per class when they all sit at the top level, and how many', async () => {
    const root = join(tmp, 'flat');
    makeClip(join(root, 'wave_01.mp4'));
    makeClip(join(root, 'wave_02.mp4'));
    makeClip(join(root, 'point_01.mov'));
    writeFileSync(join(root, 'notes.txt'), 'recorded on Monday');
    await expect(scanVideoFolder(root)).rejects.toThrow(`No video files in class sub-folders of ${root}: found 3 videos directly in it. Videos must be in one sub-folder per class (${join(root, '<class>', 'clip.mp4')})`);
  });

  it('says so when there is no video at all', async () => {
    const root = join(tmp, 'empty');
    mkdirSync(join(root, 'wave'), { recursive: true });
    writeFileSync(join(root, 'wave', 'notes.txt'), '');
    await expect(scanVideoFolder(root)).rejects.toThrow(`No video files in ${root}: it should hold one sub-folder per class with clips inside`);
  });

  it('follows each real folder once: link loops end and are reported, a folder linked twice is walked once', { timeout: 20_000 }, async () => {
    const root = join(tmp, 'loops');
    makeClip(join(root, 'c', 'a.mp4'));
    makeClip(join(root, 'd', 'b.mp4'));
    symlinkSync('.', join(root, 'c', 'x')); // ln -s . v/c/x; ln -s . v/c/y: once ran until killed
    symlinkSync('.', join(root, 'c', 'y'));
    symlinkSync('..', join(root, 'd', 'up')); // leads back to the root, above the class folder
    symlinkSync(join(root, 'c'), join(root, 'd', 'again')); // a second way into class c's folder
    const scan = await scanVideoFolder(root);
    expect(scan.clips.map((c) => c.relPath)).toEqual(['c/a.mp4', 'd/b.mp4']);
    expect(scan.skipped).toEqual([
      { path: 'c/x', reason: 'symbolic link loop: it leads back to a folder that contains it' },
      { path: 'c/y', reason: 'symbolic link loop: it leads back to a folder that contains it' },
      { path: 'd/again', reason: 'the same folder as c (linked twice): taken once' },
      { path: 'd/up', reason: 'symbolic link loop: it leads back to a folder that contains it' },
    ]);
  });

  it('lets the event loop run while it scans (a server goes on answering)', async () => {
    const root = join(tmp, 'many');
    for (let c = 0; c < 4; c++) {
      mkdirSync(join(root, `class${c}`), { recursive: true });
      for (let i = 0; i < 50; i++) writeFileSync(join(root, `class${c}`, `clip${i}.mp4`), 'not probed by a scan');
    }
    let turns = 0;
    const tick = setInterval(() => turns++, 0);
    const scan = await scanVideoFolder(root);
    clearInterval(tick);
    expect(scan.clips).toHaveLength(200);
    expect(turns).toBeGreaterThan(0);
  });
});
