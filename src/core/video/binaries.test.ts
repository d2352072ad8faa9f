import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeBinary } from '../../test-support/fake-binary';
import { repoRoot } from '../../test-support/shared-data';
import { binaryVersion, chooseBinary } from './binaries';

const tmp = mkdtempSync(join(tmpdir(), 'gstudio-binaries-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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
