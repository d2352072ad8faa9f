/**
 * Sharded extraction on this machine, as a cluster runs it: the 8 clips of the SLURM test (6 readable,
 * 2 corrupt, 2 s each) as 1, 2 and 4 shards, each shard its own `gstudio extract --shard I/N`
 * process with one worker (as an array task with --cpus-per-task=1), all started at once, then
 * `gstudio merge`; and the merge alone at 2,000 and 20,000 synthetic clips in 4 parts.
 * Run: npx tsx bench/shard-run.ts (bench/extraction.ts runs it too, last).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listClipNames } from '../src/core/dataset';
import { mergeParts } from '../src/core/extraction/merge-parts';
import { makeShardClips } from '../src/test-support/shard-clips';
import { repoRoot } from '../src/test-support/shared-data';
import { syntheticClips, writeSyntheticParts } from '../src/test-support/synthetic-parts';

const FLAGS = ['--model', 'lite', '--detector', 'none', '--workers', '1', '--frames', '30'];

function gstudio(cwd: string, ...args: string[]): Promise<{ code: number | null; out: string; seconds: number }> {
  const t = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'gstudio.mjs'), ...args], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => done({ code, out, seconds: (performance.now() - t) / 1000 }));
  });
}

const framesOf = (out: string) => Number(/(\d+) frames in/.exec(out)?.[1] ?? 0);

export async function shardBench(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'gstudio-bench-shards-'));
  try {
    const videos = makeShardClips(join(tmp, 'videos'), 2).root;
    console.log('\nsharded extraction: 8 clips (6 readable, 2 corrupt, 2 s each), lite, no person detector, 1 worker per shard, all shards at once:');
    const rows = [['shards', 'wall s', 'frames', 'frames/s', 'start-up s', 'merge s', 'of it merging s', 'total s']];
    for (const n of [1, 2, 4]) {
      const out = join(tmp, `out-${n}.h5`);
      const t = performance.now();
      const shards = await Promise.all(Array.from({ length: n }, (_, i) => gstudio(tmp, 'extract', videos, '--out', out, '--shard', `${i + 1}/${n}`, ...FLAGS)));
      const wall = (performance.now() - t) / 1000;
      if (shards.some((s) => s.code !== 0)) throw new Error(`a shard failed: ${shards.map((s) => s.out).join('\n')}`);
      const frames = shards.reduce((a, s) => a + framesOf(s.out), 0);
      const merge = await gstudio(tmp, 'merge', out);
      if (merge.code !== 0 || (await listClipNames(out)).length !== 6) throw new Error(`merge failed: ${merge.out}`);
      // Start-up: the process's time outside the extraction it reports (node, tsx, the scan); the models load inside it.
      const startup = Math.max(...shards.map((s) => s.seconds - Number(/frames in ([\d.]+) s/.exec(s.out)?.[1] ?? 0)));
      const merging = Number(/Merged \d+ part\(s\) in ([\d.]+) s/.exec(merge.out)?.[1] ?? NaN);
      rows.push([String(n), wall.toFixed(1), String(frames), (frames / wall).toFixed(1), startup.toFixed(1), merge.seconds.toFixed(1), merging.toFixed(1), (wall + merge.seconds).toFixed(1)]);
    }
    print(rows);
    console.log('(merge s: the whole `gstudio merge` process; of it merging: the merge itself. On this 2-core machine 4 shards share 2 cores.)');

    console.log('\nmerge alone (in process), 4 part files of synthetic 30×84 sequences (no per-frame overlay records):');
    const mrows = [['clips', 'write parts s', 'merge s', 'clips/s', 'file MB']];
    for (const count of (process.env.BENCH_MERGE_CLIPS ?? '2000,20000').split(',').filter(Boolean).map(Number)) {
      const target = join(tmp, `merge-${count}`, 'keypoints.h5');
      let t = performance.now();
      await writeSyntheticParts(target, syntheticClips(count, 30, 84), 4);
      const write = (performance.now() - t) / 1000;
      t = performance.now();
      const r = await mergeParts(target);
      const merge = (performance.now() - t) / 1000;
      const { statSync } = await import('node:fs');
      mrows.push([String(r.merged.length), write.toFixed(1), merge.toFixed(1), (count / merge).toFixed(0), (statSync(target).size / 1e6).toFixed(0)]);
    }
    print(mrows);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function print(rows: string[][]): void {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(`  ${r.map((c, i) => c.padEnd(w[i])).join('  ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  shardBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
