import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractionStatus, MergeSummary, ProjectSummary } from '../../api';
import { appendShardLog } from '../extraction/shard-log';
import { importVideoFolder, ProjectStore, projectFiles } from '../project';
import { syntheticClips, writeSyntheticParts } from '../../test-support/synthetic-parts';
import { StudioService } from './studio-service';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-parts-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const noJobs = { mode: 'web' as const, version: 'test', spawner: () => { throw new Error('no job expected'); } };
const probed = { duration: 1, fps: 25, frameCount: 25, width: 64, height: 64, codec: 'h264', rotation: 0 };

async function call<T>(service: StudioService, method: string, params: unknown = {}): Promise<T> {
  const out = await service.call(method, params);
  if (!out.ok) throw new Error(out.error.message);
  return out.result as T;
}

describe('a project with part files of a sharded extraction', () => {
  it('says so when opened, shows the parts in the extraction status, and the merge brings the clips and failures into the project', async () => {
    const clips = syntheticClips(10);
    const store = ProjectStore.create(join(tmp, 'project'));
    const videos = join(tmp, 'videos');
    for (const c of clips) {
      mkdirSync(join(videos, c.relativePath, '..'), { recursive: true });
      writeFileSync(join(videos, c.relativePath), '');
    }
    await importVideoFolder(store, videos);
    for (const { id } of store.clipIdsWithStatus('pending')) store.setProbeResult(id, probed);
    store.close();
    const target = projectFiles(join(tmp, 'project')).keypoints;
    // Two shards; the first could not read one of its clips.
    const parts = await writeSyntheticParts(target, clips.slice(1), 2);
    appendShardLog(parts[0], { kind: 'failed', rel: clips[0].relativePath, error: 'decoding failed (Invalid data)' });

    const service = new StudioService(noJobs);
    try {
      const opened = await call<ProjectSummary>(service, 'project.open', { dir: join(tmp, 'project') });
      expect(opened.notices).toEqual([{ kind: 'parts_to_merge', message: expect.stringMatching(/^2 part file\(s\) of a sharded extraction \(shard 1\/2, shard 2\/2\) are not merged .*gstudio merge/) }]);
      const before = await call<ExtractionStatus>(service, 'extraction.status');
      expect(before.parts.map((p) => p.shard)).toEqual(['shard 1/2', 'shard 2/2']);
      expect(before.counts.done).toBe(0);

      const merged = await call<MergeSummary>(service, 'extraction.merge', {});
      expect(merged).toMatchObject({ parts: 2, added: 9, clips: 9, missing: [], failed: [{ relPath: clips[0].relativePath, reason: 'decoding failed (Invalid data)' }] });
      const after = await call<ExtractionStatus>(service, 'extraction.status');
      expect(after.parts).toEqual([]);
      expect(after.counts).toMatchObject({ done: 9, failed: 1, pending: 0 });
      expect((await call<ProjectSummary>(service, 'project.summary')).notices).toEqual([]);
      expect(readdirSync(join(tmp, 'project')).filter((f) => f.includes('part-'))).toEqual([]);
      // No parts: the merge says what to do.
      await expect(call(service, 'extraction.merge', {})).rejects.toThrow(/No part files beside keypoints\.h5: extract shards first/);
    } finally {
      service.close();
    }
  });
});
