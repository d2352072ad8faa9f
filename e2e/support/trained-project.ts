import { linkSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrainingSettings } from '../../src/api/runs';
import type { DatasetSplit } from '../../src/core/dataset/split';
import { writeSyntheticSequences } from '../../src/core/dataset/synthetic-sequences';
import { ProjectStore, projectFiles, scanVideoFolder } from '../../src/core/project';
import { trainProject } from '../../src/core/runs/train-project';
import { makeClip } from '../../src/test-support/make-clips';

/**
 * A project of 3 classes × 12 real, playable clips (hard links to one), keypoints made to match,
 * and real (tiny) training runs, one for each entry of `runs` with its settings over small defaults.
 */
export async function makeTrainedProject(tmp: string, runs: { name: string; settings?: Partial<TrainingSettings> }[]): Promise<{ dir: string; splits: DatasetSplit[] }> {
  const videos = join(tmp, 'videos');
  const source = join(tmp, 'source.mp4');
  makeClip(source, { seconds: 2 });
  const relPaths = [0, 1, 2].flatMap((k) => Array.from({ length: 12 }, (_, i) => `class_${k}/clip_${String(i).padStart(2, '0')}.mp4`));
  for (let c = 0; c < 3; c++) mkdirSync(join(videos, `class_${c}`), { recursive: true });
  for (const r of relPaths) linkSync(source, join(videos, r));
  const dir = join(tmp, 'proj');
  const store = ProjectStore.create(dir, 'Gallery');
  store.setVideoRoot(videos);
  store.syncClips((await scanVideoFolder(videos)).clips);
  const info = { duration: 2, fps: 25, frameCount: 50, width: 96, height: 64, codec: 'h264', rotation: 0 };
  const ids = new Map(store.listClips({ limit: 1000 }).items.map((c) => [c.relPath, c.id]));
  for (const id of ids.values()) store.setProbeResult(id, info);
  const keys = await writeSyntheticSequences({ path: projectFiles(dir).keypoints, classes: 3, perClass: 12, seqLen: 6, features: 4, seed: 5 });
  relPaths.forEach((r, i) => store.setExtractResult(ids.get(r)!, { h5Key: keys[i], handsFraction: 1 }));
  const made = runs.map((r, i) => {
    const settings = TrainingSettings.parse({ epochs: 2, hiddenSize: 8, numLayers: 1, batchSize: 8, dropout: 0, valFraction: 0.25, testFraction: 0.25, ...r.settings });
    const runDir = join(projectFiles(dir).runs, `00${i + 1}-${settings.model}`);
    return { runId: store.createRun(r.name, settings.model, settings, runDir), runDir, settings };
  });
  store.close();
  const ctx = { signal: new AbortController().signal, progress: () => {}, log: () => {} };
  for (const m of made) await trainProject({ projectDir: dir, runId: m.runId, settings: m.settings }, ctx);
  return { dir, splits: made.map((m) => JSON.parse(readFileSync(join(m.runDir, 'split.json'), 'utf8')) as DatasetSplit) };
}
