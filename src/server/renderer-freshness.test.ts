import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staleRendererSource } from './renderer-freshness';

let root: string;
const built = () => join(root, 'out', 'renderer');

/** Writes a file with the given modification time (seconds since the epoch). */
function file(rel: string, mtime: number): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, rel);
  utimesSync(p, mtime, mtime);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'gstudio-freshness-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('staleRendererSource', () => {
  it('is null for an installed copy (no sources) and without a build', () => {
    file('out/renderer/index.html', 2_000_000_000);
    expect(staleRendererSource(root, built())).toBeNull();
    expect(staleRendererSource(root, join(root, 'nothing-built'))).toBeNull();
  });

  it('is null while the build is newer than every renderer and API source', () => {
    file('src/renderer/src/App.svelte', 1_900_000_000);
    file('src/api/clips.ts', 1_900_000_100);
    file('src/core/late.ts', 2_100_000_000); // not part of the renderer
    expect(staleRendererSource(root, built())).toBeNull();
  });

  it('names the newest source changed after the build, in src/renderer or src/api', () => {
    file('src/renderer/src/views/ClipsView.svelte', 2_000_000_100);
    expect(staleRendererSource(root, built())).toBe('src/renderer/src/views/ClipsView.svelte');
    file('src/api/jobs.ts', 2_000_000_200);
    expect(staleRendererSource(root, built())).toBe('src/api/jobs.ts');
  });
});
