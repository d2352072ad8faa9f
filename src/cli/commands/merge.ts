import type { Command } from 'commander';
import { resolve } from 'node:path';
import { mergeParts, mergeProjectParts, removeParts, type PartsMerge } from '../../core/extraction';
import { recoverJournal } from '../../core/dataset';
import { ProjectStore } from '../../core/project';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('combine the part files of a sharded extraction (gstudio extract --shard) into the keypoints file')
    .argument('<target>', 'a project folder (its keypoints.h5) or the HDF5 file the shards were extracted for (--out)')
    .option('--partial', 'merge parts whose shard did not run to its end (their remaining clips stay to extract)')
    .action(async (target: string, flags: { partial?: boolean }) => {
      const started = performance.now();
      let result: PartsMerge;
      if (ProjectStore.exists(target)) {
        result = await mergeProjectParts(target, { partial: flags.partial });
      } else {
        const out = resolve(target);
        await recoverJournal(out);
        result = await mergeParts(out, { partial: flags.partial });
        removeParts(result.parts.map((p) => p.path));
      }
      printMerge(result, (performance.now() - started) / 1000);
    });
}

function printMerge(r: PartsMerge, seconds: number): void {
  for (const t of r.staleTemps) console.log(`Removed ${t}, left by a merge that was stopped`);
  console.log(
    `Merged ${r.parts.length} part(s) in ${seconds.toFixed(1)} s: ${r.added} clips added, ${r.alreadyIn} already in the file; ${r.merged.length} clips in ${r.target}`,
  );
  for (const f of r.failures) console.log(`  failed ${f.relPath}: ${f.reason}`);
  if (r.failures.length > 0) console.log(`${r.failures.length} clip(s) failed`);
  for (const s of r.missingShards) console.log(`  no part file for ${s}`);
  for (const m of r.missing.slice(0, 50)) console.log(`  not extracted ${m}`);
  if (r.missing.length > 50) console.log(`  ... and ${r.missing.length - 50} more`);
  if (r.missing.length > 0) console.log(`${r.missing.length} clip(s) are in no part: extract them (gstudio extract, or the missing shards), then merge again`);
}
