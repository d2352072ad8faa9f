import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectStore } from '../core/project';
import { makeClip } from '../test-support/make-clips';
import { repoRoot } from '../test-support/shared-data';
import { shown } from './terminal-text';

const tmp = mkdtempSync(join(tmpdir(), 'gstudio-escapes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const gstudio = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'gstudio.mjs'), ...args], { encoding: 'utf8', timeout: 120_000, cwd: tmp });
  return { code: r.status, out: r.stdout + r.stderr };
};
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/;

describe('names with terminal escape sequences', () => {
  it('are escaped in what the CLI prints', () => {
    const retitle = '\x1b]0;pwned\x07';
    const clear = '\x1b[2J';
    const project = join(tmp, `project${clear}`);
    ProjectStore.create(project).close();
    // A folder that is not a dataset: the import says what it skipped and why it stopped.
    const videos = join(tmp, `videos${retitle}`);
    mkdirSync(join(videos, `class\u202eevil`), { recursive: true });
    writeFileSync(join(videos, `class\u202eevil`, `notes${clear}.txt`), '');
    writeFileSync(join(videos, `class\u202eevil`, `broken${retitle}.mp4`), 'not a video');
    makeClip(join(videos, `class\u202eevil`, `clip${clear}.mp4`), { seconds: 0.2 });
    writeFileSync(join(videos, `loose${retitle}.mp4`), 'x');
    const imp = gstudio('import', project, videos);
    expect(imp.code).toBe(0);
    expect(imp.out).toContain('videos\\x1b]0;pwned\\x07');
    expect(imp.out).toContain('skipped loose\\x1b]0;pwned\\x07.mp4: not inside a class folder');
    expect(imp.out).toContain('skipped class\\u202eevil/notes\\x1b[2J.txt: not a video file');
    expect(imp.out).toContain('class\\u202eevil/broken\\x1b]0;pwned\\x07.mp4: ');
    expect(imp.out).not.toMatch(CONTROL);
  });

  it('shown() keeps newlines, tabs and ordinary text, letters of every script included', () => {
    expect(shown('a\tb\nc — ñ 手話 عربى')).toBe('a\tb\nc — ñ 手話 عربى');
    expect(shown('x\x1b[31my\x9bz\u202e\r')).toBe('x\\x1b[31my\\x9bz\\u202e\\x0d');
  });
});
