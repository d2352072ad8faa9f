import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UnreadableVideoError } from '../errors';
import { makeClip } from '../../test-support/make-clips';
import { repoRoot } from '../../test-support/shared-data';
import { binaryVersion, chooseBinary } from './binaries';
import { decodeVideo } from './decode';

const tmp = mkdtempSync(join(tmpdir(), 'gstudio-binaries-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A program that answers `-version` like an ffmpeg of `year`, and otherwise runs `body`. */
function fakeBinary(dir: string, name: string, year: number, body = 'exit 1'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nif [ "$1" = "-version" ]; then echo "${name} version 9.9-test Copyright (c) 2000-${year} the FFmpeg developers"; exit 0; fi\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('which ffmpeg decodes', () => {
  it('the bundled one when the system has none, and it says which and how old', () => {
    const c = chooseBinary('ffmpeg', {}, [join(tmp, 'none')]);
    expect(c.source).toBe('bundled');
    expect(c.path).toMatch(/@ffmpeg-installer/);
    expect(c.year).toBe(2018);
  });

  it('a newer system one over the bundled one, never an older', () => {
    const older = fakeBinary(join(tmp, 'old'), 'ffmpeg', 2016);
    expect(chooseBinary('ffmpeg', {}, [join(tmp, 'old')]).source).toBe('bundled');
    const newer = fakeBinary(join(tmp, 'new'), 'ffmpeg', 2026);
    expect(chooseBinary('ffmpeg', {}, [join(tmp, 'old'), join(tmp, 'new')])).toEqual({ path: newer, version: '9.9-test', year: 2026, source: 'system' });
    expect(older).not.toBe(newer);
  });

  it('GSTUDIO_FFMPEG / GSTUDIO_FFPROBE choose outright', () => {
    const mine = fakeBinary(join(tmp, 'mine'), 'ffprobe', 2010);
    expect(chooseBinary('ffprobe', { GSTUDIO_FFPROBE: mine }, [join(tmp, 'new')])).toMatchObject({ path: mine, source: 'environment', year: 2010 });
  });

  it("Debian's ffmpeg is found where it is installed (scripts/ensure-test-deps.sh installs it)", () => {
    const v = binaryVersion('/usr/bin/ffmpeg');
    expect(v?.version).toMatch(/^\d+\.\d+/);
    expect(chooseBinary('ffmpeg', {})).toMatchObject({ path: '/usr/bin/ffmpeg', source: 'system' });
    const shown = spawnSync(process.execPath, [join(repoRoot, 'bin', 'gstudio.mjs'), '--version'], { encoding: 'utf8', env: { ...process.env, GSTUDIO_FFPROBE: '' } });
    expect(shown.stdout).toMatch(/^gstudio \d+\.\d+\.\d+\nffmpeg \d+\.\d+\S* \(system, \/usr\/bin\/ffmpeg\)\nffprobe \d+\.\d+\S* \(system, \/usr\/bin\/ffprobe\)\n$/);
  });
});

describe('hostile files', () => {
  it('one that decodes to far more frames than it declares is stopped with a clear error', { timeout: 60_000 }, async () => {
    // A concat script saved as .mp4: it declares 0.2 s (5 frames) and plays a 4 s clip 5 times (500 frames).
    const dir = join(tmp, 'loop');
    makeClip(join(dir, 'clip.mp4'), { seconds: 4 });
    writeFileSync(join(dir, 'loop.mp4'), 'ffconcat version 1.0\n' + 'file clip.mp4\nduration 0.04\n'.repeat(5));
    let frames = 0;
    const err = await (async () => {
      for await (const _f of decodeVideo(join(dir, 'loop.mp4'))) frames++;
    })().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableVideoError);
    expect((err as Error).message).toMatch(/decodes to more than 260 frames, far more than the 5 it declares/);
    expect(frames).toBe(260);
  });

  it('is stopped after the time limit with a clear error, not left to hang the worker', { timeout: 30_000 }, async () => {
    const clip = join(tmp, 'clip.mp4');
    makeClip(clip, { seconds: 0.2 });
    // Stands in for ffmpeg stuck on a hostile file: it answers -version and then never writes a byte.
    const stuck = fakeBinary(join(tmp, 'stuck'), 'ffmpeg', 2026, 'exec sleep 600');
    const before = process.env.GSTUDIO_FFMPEG;
    process.env.GSTUDIO_FFMPEG = stuck;
    const started = performance.now();
    try {
      const frames = decodeVideo(clip, { stallSeconds: 1 });
      const err = await frames.next().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(UnreadableVideoError);
      expect((err as Error).message).toMatch(/ffmpeg produced nothing for 1 s after frame 0 and was stopped/);
    } finally {
      if (before === undefined) delete process.env.GSTUDIO_FFMPEG;
      else process.env.GSTUDIO_FFMPEG = before;
    }
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
