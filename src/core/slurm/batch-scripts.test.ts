import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtractionSettings } from '../extraction/extraction-settings';
import { importVideoFolder, ProjectStore } from '../project';
import { runSlurm } from './slurm-commands';
import { resubmitShards, submitExtraction } from './submission';

let tmp: string;
let project: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "gstudio-sbatch-it's-"));
  const store = ProjectStore.create(join(tmp, 'project'));
  mkdirSync(join(tmp, 'videos', 'hello'), { recursive: true });
  writeFileSync(join(tmp, 'videos', 'hello', 'a.mp4'), '');
  await importVideoFolder(store, join(tmp, 'videos'));
  const [{ id }] = store.clipIdsWithStatus('pending');
  store.setProbeResult(id, { duration: 1, fps: 25, frameCount: 25, width: 64, height: 64, codec: 'h264', rotation: 0 });
  project = store.dir;
  store.close();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('gstudio slurm extract --dry-run', () => {
  it('writes an array script running this gstudio on shard $SLURM_ARRAY_TASK_ID/N, and the merge script', () => {
    const settings = ExtractionSettings.parse({ model: 'lite', detector: 'none', frames: 12, tracking: false });
    const r = submitExtraction({ projectDir: project, gstudio: ['/opt/node/bin/node', '/opt/gstudio/bin/gstudio.mjs'], settings, shards: 6, partition: 'cpu', time: '2:00:00', cpusPerTask: 3, mem: '4G', dryRun: true });
    expect(r.submission).toBeUndefined();
    const script = readFileSync(r.scripts.extract, 'utf8');
    expect(script.split('\n').filter((l) => l.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name=gstudio-extract',
      '#SBATCH --output=slurm/logs/extract-%A_%a.out',
      '#SBATCH --partition=cpu',
      '#SBATCH --time=2:00:00',
      '#SBATCH --mem=4G',
      '#SBATCH --array=1-6',
      '#SBATCH --cpus-per-task=3',
    ]);
    // The project path has a quote in it: quoted for bash.
    expect(script).toContain(`exec '/opt/node/bin/node' '/opt/gstudio/bin/gstudio.mjs' extract '${project.replace(/'/g, `'\\''`)}' --shard "\${SLURM_ARRAY_TASK_ID}/6" --workers "\${SLURM_CPUS_PER_TASK:-3}"`);
    expect(script).toContain(`'--frames' '12' '--mode' 'middle' '--model' 'lite' '--detector' 'none' '--max-hands' '2' '--no-tracking'`);
    expect(readFileSync(r.scripts.merge, 'utf8')).toContain(`exec '/opt/node/bin/node' '/opt/gstudio/bin/gstudio.mjs' merge '${project.replace(/'/g, `'\\''`)}'`);
  });

  it('refuses what cannot run, with what to do', () => {
    const settings = ExtractionSettings.parse({});
    expect(() => submitExtraction({ projectDir: project, gstudio: ['n', 'g'], settings, shards: 0 })).toThrow(/--shards must be a whole number of at least 1/);
    expect(() => resubmitShards(join(tmp, 'project'), [1])).toThrow(/Nothing was submitted from .*: run gstudio slurm extract first/);
    expect(() => runSlurm('sbatch-not-installed-here', [])).toThrow(/sbatch-not-installed-here is not on PATH: run this on a SLURM login node/);
  });
});
