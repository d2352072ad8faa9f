import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readShardLog } from '../core/extraction/shard-log';
import { partFileFor, shardOfClip } from '../core/extraction/shard';
import { ProjectStore } from '../core/project';
import { slurmNotInstalled, startLocalSlurm, stopLocalSlurm } from '../test-support/local-slurm';
import { makeShardClips } from '../test-support/shard-clips';
import { repoRoot } from '../test-support/shared-data';

// A real one-node SLURM (Debian's slurm-wlm and munge) started by scripts/slurm-local.sh. Skipped
// only where SLURM is not installed; installed but not starting fails, with the script's logs.
// Made by the script at start, so that a skipped run leaves nothing behind.
const clusterDir = join(tmpdir(), `gstudio-slurm-cluster-${process.pid}-${Date.now()}`);
const env = { ...process.env, SLURM_CONF: join(clusterDir, 'slurm.conf'), SLURM_LOCAL_PORT: String(17000 + 2 * Math.floor(Math.random() * 400)) };
const notInstalled = slurmNotInstalled(process.env.PATH);
if (notInstalled) console.warn(`slurm.test.ts skipped: ${notInstalled}`);

let tmp: string;
let videos: string;
const FLAGS = ['--detector', 'none', '--model', 'lite', '--frames', '8'];

function gstudio(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'gstudio.mjs'), ...args], { encoding: 'utf8', timeout: 300_000, cwd: tmp, env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function newProject(name: string): string {
  const dir = join(tmp, name);
  expect(gstudio('init', dir).code).toBe(0);
  expect(gstudio('import', dir, videos).code).toBe(0);
  return dir;
}

function inQueue(jobs: string[]): boolean {
  return execFileSync('squeue', ['-h', '-j', jobs.join(','), '-o', '%i'], { encoding: 'utf8', env }).trim() !== '';
}

async function until(what: string, ok: () => boolean, seconds = 500): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** h5py's view of two keypoint files: every dataset's values and attributes, and the root attributes. */
function compare(a: string, b: string): { a: number; b: number; differences: unknown[] } {
  const out = execFileSync('/usr/bin/python3', [join(repoRoot, 'src', 'test-support', 'compare_keypoints.py'), a, b], { encoding: 'utf8' });
  return JSON.parse(out);
}

let reference: string;
/** Why the cluster did not start although SLURM is installed: the first test fails with it, the others wait on it. */
let clusterError: Error | null = null;
const needsCluster = (ctx: { skip: (condition: boolean, note?: string) => void }) =>
  ctx.skip(clusterError !== null, 'the local SLURM cluster did not start: see the failed test "the one-node cluster starts"');

// Minutes, not seconds, on a loaded machine: every task starts node, tsx and the models.
describe.skipIf(notInstalled !== null)(`gstudio slurm on a one-node SLURM cluster${notInstalled ? ` (skipped: ${notInstalled})` : ''}`, { timeout: 600_000 }, () => {
  beforeAll(() => {
    try {
      startLocalSlurm(clusterDir, env);
    } catch (e) {
      clusterError = e as Error;
      return;
    }
    tmp = mkdtempSync(join(tmpdir(), 'gstudio-slurm-'));
    videos = makeShardClips(join(tmp, 'videos')).root;
    // What one machine writes for the same clips and settings.
    const single = newProject('single');
    const r = gstudio('extract', single, ...FLAGS, '--workers', '1');
    expect(r.code, r.err).toBe(0);
    reference = join(single, 'keypoints.h5');
  }, 600_000);
  afterAll(() => {
    stopLocalSlurm(clusterDir, env);
    rmSync(clusterDir, { recursive: true, force: true });
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the one-node cluster starts (scripts/slurm-local.sh: munged, slurmctld, slurmd)', () => {
    if (clusterError) throw clusterError;
  });

  it('extracts 4 shards as array tasks, merges them after, and holds what a single machine writes', async (ctx) => {
    needsCluster(ctx);
    const project = newProject('cluster');
    const r = gstudio('slurm', 'extract', project, '--shards', '4', ...FLAGS);
    expect(r.code, r.err).toBe(0);
    const [, arrayJob, mergeJob] = /array job (\d+) \(4 tasks\) and merge job (\d+)/.exec(r.out) ?? [];
    expect(arrayJob, r.out).toBeDefined();
    expect(r.out).toContain(`gstudio slurm status ${project}`);
    await until('the array and the merge', () => !inQueue([arrayJob, mergeJob]));

    const merged = join(project, 'keypoints.h5');
    const diff = compare(merged, reference);
    expect(diff).toMatchObject({ a: 6, b: 6, differences: [] });
    // The parts are gone once merged; the merge job's log names the failed clips.
    expect(readdirSync(project).filter((f) => f.includes('.part-'))).toEqual([]);
    const mergeLog = readFileSync(join(project, 'slurm', 'logs', `merge-${mergeJob}.out`), 'utf8');
    expect(mergeLog).toMatch(/Merged 4 part\(s\) .*: 6 clips added/);
    expect(mergeLog).toMatch(/^  failed hello\/cut short\.mp4: /m);

    const store = ProjectStore.open(project);
    const failures = store.extractFailures();
    expect(store.extractionCounts()).toMatchObject({ done: 6, failed: 2, pending: 0 });
    store.close();
    expect(failures.map((f) => f.relPath)).toEqual(['hello/cut short.mp4', 'thanks/scrambled.mp4']);
    expect(failures[0].reason).toMatch(/incomplete|invalid data/i);

    const status = gstudio('slurm', 'status', project);
    expect(status.out).toMatch(/4 done, 0 running, 0 pending, 0 failed/);
    expect(status.out).toMatch(/keypoints file holds 6 clips/);
  });

  it('a task cancelled mid-run shows as failed, and resubmitting that shard alone completes the set', async (ctx) => {
    needsCluster(ctx);
    const project = newProject('killed');
    const clips = ['hello/clip 1.mp4', 'thanks/clip 2.mp4', 'hello/clip 3.mp4', 'thanks/clip 4.mp4', 'hello/clip 5.mp4', 'thanks/clip 6.mp4'];
    const sizes = [1, 2, 3, 4].map((i) => clips.filter((c) => shardOfClip(c, 4) === i).length);
    const victim = sizes.indexOf(Math.max(...sizes)) + 1;
    const part = partFileFor(join(project, 'keypoints.h5'), { index: victim, count: 4 });
    const r = gstudio('slurm', 'extract', project, '--shards', '4', ...FLAGS);
    const [, arrayJob, mergeJob] = /array job (\d+) \(4 tasks\) and merge job (\d+)/.exec(r.out) ?? [];
    // Cancelled once it has started (its models load before the first clip).
    await until(`shard ${victim} to start`, () => readShardLog(part).started, 120);
    execFileSync('scancel', [`${arrayJob}_${victim}`], { env });
    await until('the other tasks, and the merge to be cancelled', () => !inQueue([arrayJob, mergeJob]));
    const log = readShardLog(part);
    expect(log.ended).toBe(false);
    expect(existsSync(join(project, 'keypoints.h5'))).toBe(false);
    const status = gstudio('slurm', 'status', project);
    expect(status.out).toMatch(new RegExp(`^  shard ${victim}  failed `, 'm'));
    expect(status.out).toMatch(/3 done, 0 running, 0 pending, 1 failed/);
    // A merge by hand refuses the unfinished part and says what to do.
    const early = gstudio('merge', project);
    expect(early.code).toBe(1);
    expect(early.err).toMatch(new RegExp(`shard ${victim}/4 did not run to its end.*gstudio slurm resubmit`));

    const again = gstudio('slurm', 'resubmit', project);
    expect(again.code, again.err).toBe(0);
    const [, job, merge2] = /as job (\d+); merge job (\d+)/.exec(again.out) ?? [];
    expect(again.out).toContain(`shard(s) ${victim} `);
    await until('the resubmitted shard and the merge', () => !inQueue([job, merge2]));
    expect(compare(join(project, 'keypoints.h5'), reference)).toMatchObject({ a: 6, b: 6, differences: [] });
    const store = ProjectStore.open(project);
    expect(store.extractionCounts()).toMatchObject({ done: 6, failed: 2, pending: 0 });
    store.close();
    expect(gstudio('slurm', 'status', project).out).toMatch(/4 done, 0 running, 0 pending, 0 failed/);
  });
});
