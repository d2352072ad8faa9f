import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listClipNames, readSequenceFile } from '../dataset';
import { syntheticClips, writeSyntheticParts } from '../../test-support/synthetic-parts';
import { repoRoot } from '../../test-support/shared-data';
import { mergeParts } from './merge-parts';
import { appendShardLog } from './shard-log';
import { inShard, listPartFiles, parseShard, partFileFor, shardOfClip } from './shard';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-shard-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('shards', () => {
  it('split the clips into disjoint slices that depend on each clip alone, not on the list', () => {
    const paths = Array.from({ length: 400 }, (_, i) => `class ${i % 7}/clip ${i}.mp4`);
    const of = (list: string[]) => new Map(list.map((p) => [p, shardOfClip(p, 4)]));
    const a = of(paths);
    const b = of([...paths].reverse().slice(0, 300).concat(['new/clip.mp4']));
    for (const [p, s] of b) if (a.has(p)) expect(s).toBe(a.get(p));
    // Every clip in exactly one shard, and the shards about even.
    const sizes = [1, 2, 3, 4].map((index) => paths.filter((p) => inShard(p, { index, count: 4 })).length);
    expect(sizes.reduce((x, y) => x + y)).toBe(400);
    for (const s of sizes) expect(s).toBeGreaterThan(70);
    // Windows separators and NFD names are the same clip.
    expect(shardOfClip('a\\señal.mp4', 8)).toBe(shardOfClip('a/se\u00f1al.mp4'.normalize('NFD'), 8));
  });

  it('are given as I/N, or read from the SLURM array task', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('auto', { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '5' })).toEqual({ index: 3, count: 4 });
    expect(parseShard('auto', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2', SLURM_ARRAY_TASK_MIN: '0' })).toEqual({ index: 1, count: 2 });
    expect(() => parseShard('0/4')).toThrow(/between 1 and 4/);
    expect(() => parseShard('5/4')).toThrow(/between 1 and 4/);
    expect(() => parseShard('half')).toThrow(/I\/N .*or auto, not "half"/);
    expect(() => parseShard('auto', {})).toThrow(/SLURM_ARRAY_TASK_ID .* not set/);
    expect(partFileFor('/p/keypoints.h5', { index: 2, count: 8 })).toBe('/p/keypoints.part-2-of-8.h5');
  });

  it('auto is the task\'s place in a stepped array, and a list of ids is refused, not guessed', () => {
    // What SLURM 22.05 sets (measured on the local cluster): --array=1-9:2 and --array=2-8:3.
    const task = (id: number, o: { count: number; min: number; max: number; step: number }) =>
      parseShard('auto', { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_COUNT: String(o.count), SLURM_ARRAY_TASK_MIN: String(o.min), SLURM_ARRAY_TASK_MAX: String(o.max), SLURM_ARRAY_TASK_STEP: String(o.step) });
    expect([1, 3, 5, 7, 9].map((id) => task(id, { count: 5, min: 1, max: 9, step: 2 }).index)).toEqual([1, 2, 3, 4, 5]);
    expect([2, 5, 8].map((id) => task(id, { count: 3, min: 2, max: 8, step: 3 }))).toEqual([1, 2, 3].map((index) => ({ index, count: 3 })));
    // --array=1,2,7 and --array=3,5,7: SLURM says step 1, so the ids' places are unknown.
    expect(() => task(7, { count: 3, min: 1, max: 7, step: 1 })).toThrow(/task 7 of an array of 3 tasks, ids 1 to 7 by 1\): the array is not an evenly stepped range .*--array=1-N, or give each task --shard I\/N/);
    expect(() => task(3, { count: 3, min: 3, max: 7, step: 1 })).toThrow(/not an evenly stepped range/);
    // A single task resubmitted with --array=3 is an array of one: the whole set, as auto means.
    expect(task(3, { count: 1, min: 3, max: 3, step: 1 })).toEqual({ index: 1, count: 1 });
  });
});

describe('merge', () => {
  it('writes each clip once from parts of different splits, keeps the values, and removes nothing it needs', async () => {
    const dir = join(tmp, 'dedupe');
    const target = join(dir, 'out.h5');
    const clips = syntheticClips(40);
    // A 4-way split and a 2-way split of the same clips: each clip is in two parts.
    await writeSyntheticParts(target, clips, 4);
    await writeSyntheticParts(target, clips.slice(0, 20), 2);
    expect(listPartFiles(target)).toHaveLength(6);
    const r = await mergeParts(target);
    expect(r).toMatchObject({ added: 40, alreadyIn: 20, missing: [], failures: [], missingShards: [] });
    const file = await readSequenceFile(target);
    expect(file.clips).toHaveLength(40);
    const seq = file.clips.find((c) => c.originalPath === 'thanks/clip 3.mp4')!;
    expect(seq).toMatchObject({ className: 'thanks', label: 1 });
    expect(Array.from(seq.data)).toEqual(Array.from(clips[3].sequence));
    expect(file.labelMap).toEqual({ hello: 0, thanks: 1 });
    // Merging again adds nothing: a clip is never written twice.
    expect(await mergeParts(target)).toMatchObject({ added: 0, alreadyIn: 60 });
    expect(await listClipNames(target)).toHaveLength(40);
  });

  it('refuses a part made with other settings, naming what differs, and leaves the file as it was', async () => {
    const dir = join(tmp, 'settings');
    const target = join(dir, 'out.h5');
    const clips = syntheticClips(12);
    await writeSyntheticParts(target, clips, 2);
    // Shard 2 run again elsewhere with the full hand model, its part copied in.
    const other = join(tmp, 'settings-full', 'out.h5');
    await writeSyntheticParts(other, clips, 2, { numFrames: 8, numFeatures: 84, model: 'full' });
    copyFileSync(partFileFor(other, { index: 2, count: 2 }), partFileFor(target, { index: 2, count: 2 }));
    await expect(mergeParts(target)).rejects.toThrow(/out\.part-2-of-2\.h5 was extracted with other settings than out\.part-1-of-2\.h5 \(hand model lite -> full\)/);
    expect(existsSync(target)).toBe(false);
  });

  it('lists the clips no part has and the shards without a part; refuses an unfinished shard unless partial', async () => {
    const dir = join(tmp, 'missing');
    const target = join(dir, 'out.h5');
    const clips = syntheticClips(20);
    const parts = await writeSyntheticParts(target, clips, 4);
    rmSync(parts[2]);
    rmSync(`${parts[2]}.log.jsonl`);
    appendShardLog(parts[1], { kind: 'start', shard: { index: 2, count: 4 }, clips: ['hello/clip 0.mp4'], at: '', host: 'elsewhere', pid: 1 });
    await expect(mergeParts(target)).rejects.toThrow(/shard 2\/4 did not run to its end \(process 1 on elsewhere .*gstudio slurm resubmit … --shard 2/);
    const expected = clips.map((c) => c.relativePath);
    const r = await mergeParts(target, { partial: true, expected });
    expect(r.missingShards).toEqual(['shard 3/4']);
    expect(r.missing).toEqual(clips.filter((c) => shardOfClip(c.relativePath, 4) === 3).map((c) => c.relativePath).sort());
    expect(r.merged).toHaveLength(20 - r.missing.length);
  });

  it('survives kill -9 in the middle: the old file stays readable and the next merge completes', async () => {
    const dir = join(tmp, 'kill');
    const target = join(dir, 'out.h5');
    const clips = syntheticClips(600, 30, 84);
    await writeSyntheticParts(target, clips.slice(0, 10), 1);
    expect((await mergeParts(target)).added).toBe(10);
    rmSync(partFileFor(target, { index: 1, count: 1 }));
    rmSync(`${partFileFor(target, { index: 1, count: 1 })}.log.jsonl`);
    await writeSyntheticParts(target, clips, 2);
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'gstudio.mjs'), 'merge', target], { stdio: 'ignore' });
    const temp = () => readdirSync(dir).find((f) => f.startsWith('.out.h5.tmp-'));
    const deadline = Date.now() + 120_000;
    while (!temp() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(temp(), 'the merge never started writing').toBeDefined();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(temp()).toBeDefined();
    expect(await listClipNames(target)).toHaveLength(10);
    const again = spawnSync(process.execPath, [join(repoRoot, 'bin', 'gstudio.mjs'), 'merge', target], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Removed \.out\.h5\.tmp-\d+-\S+, left by a merge that was stopped$/m);
    expect(again.stdout).toMatch(/Merged 2 part\(s\) in [\d.]+ s: 590 clips added, 10 already in the file; 600 clips/);
    expect(temp()).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(['out.h5']);
    expect(await listClipNames(target)).toHaveLength(600);
  });
});
