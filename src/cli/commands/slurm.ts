import { Option, type Command } from 'commander';
import { realpathSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { clusterStatus, resubmitShards, shellQuote, submitExtraction, type ClusterStatus } from '../../core/slurm';
import { InvalidInputError } from '../../core/errors';
import { addVisionOptions, settingsFromFlags, wholeNumber, type VisionFlags } from '../extraction-options';

/** The gstudio running now, as absolute paths, for the cluster's nodes to run the same one. */
function thisGstudio(): [string, string] {
  return [process.execPath, realpathSync(process.argv[1])];
}

interface SubmitFlags extends VisionFlags {
  shards: number;
  partition?: string;
  time?: string;
  cpusPerTask: number;
  mem?: string;
  dryRun?: boolean;
  frames: number;
  mode: 'middle' | 'resample';
}

export function registerSlurm(program: Command): void {
  const slurm = program.command('slurm').description('extraction on a SLURM cluster: one array task per shard, then the merge');
  const extract = slurm
    .command('extract')
    .description('write an sbatch array script into the project (one task per shard, the merge after them) and submit it')
    .argument('<project>', 'a project folder on a file system the cluster nodes share')
    .requiredOption('--shards <n>', 'number of shards (array tasks)', wholeNumber('--shards'))
    .option('--partition <name>', 'SLURM partition (sbatch --partition)')
    .option('--time <limit>', 'time limit per task (sbatch --time, e.g. 2:00:00)')
    .option('--cpus-per-task <n>', 'cores per task; each task runs this many extraction workers', wholeNumber('--cpus-per-task'), 1)
    .option('--mem <size>', 'memory per task (sbatch --mem, e.g. 4G)')
    .option('--dry-run', 'write the scripts and print how to submit them, without submitting')
    .option('--frames <n>', 'frames per sequence (NUM_FRAMES_PER_VIDEO)', wholeNumber('--frames'), 30)
    .addOption(new Option('--mode <mode>', 'long clips: middle window (reference) or resample over the whole clip').choices(['middle', 'resample']).default('middle'));
  addVisionOptions(extract).action((project: string, flags: SubmitFlags) => {
    if (flags.shards < 1) throw new InvalidInputError('--shards must be at least 1');
    if (flags.cpusPerTask < 1) throw new InvalidInputError('--cpus-per-task must be at least 1');
    const settings = settingsFromFlags({ ...flags, workers: flags.cpusPerTask });
    const r = submitExtraction({ projectDir: project, gstudio: thisGstudio(), settings, shards: flags.shards, partition: flags.partition, time: flags.time, cpusPerTask: flags.cpusPerTask, mem: flags.mem, dryRun: flags.dryRun });
    console.log(`Array script: ${r.scripts.extract}`);
    console.log(`Merge script: ${r.scripts.merge}`);
    if (!r.submission) {
      console.log('Dry run: nothing submitted. To submit by hand:');
      console.log(`  cd ${shellQuote(dirname(dirname(r.scripts.extract)))} && jid=$(sbatch --parsable slurm/extract.sbatch) && sbatch --dependency=afterok:$jid --kill-on-invalid-dep=yes slurm/merge.sbatch`);
      return;
    }
    console.log(`Submitted array job ${r.submission.arrayJob} (${flags.shards} tasks) and merge job ${r.submission.mergeJob} (runs after every task succeeded)`);
    console.log(`Follow it: gstudio slurm status ${project}   (or squeue -j ${r.submission.arrayJob},${r.submission.mergeJob})`);
  });

  slurm
    .command('status')
    .description('shards done / running / failed, from squeue, sacct or scontrol and the part files')
    .argument('<project>', 'a project folder')
    .action(async (project: string) => {
      const s = await clusterStatus(project);
      if (!s) throw new InvalidInputError(`Nothing was submitted from ${project}: run gstudio slurm extract first`);
      printStatus(project, s);
    });

  slurm
    .command('resubmit')
    .description('submit the array tasks of the given shards again (they resume from their part files), and the merge after them')
    .argument('<project>', 'a project folder')
    .option('--shard <list>', 'shard numbers, e.g. 3 or 2,5 (default: every failed shard)')
    .action(async (project: string, flags: { shard?: string }) => {
      let shards: number[];
      if (flags.shard !== undefined) {
        shards = flags.shard.split(',').map((t) => Number(t.trim()));
        if (shards.some((n) => !Number.isInteger(n))) throw new InvalidInputError(`--shard takes shard numbers, e.g. 3 or 2,5, not "${flags.shard}"`);
      } else {
        const s = await clusterStatus(project);
        if (!s) throw new InvalidInputError(`Nothing was submitted from ${project}: run gstudio slurm extract first`);
        shards = s.shards.filter((x) => x.phase === 'failed').map((x) => x.shard);
        if (shards.length === 0) throw new InvalidInputError('No shard failed: nothing to resubmit (gstudio slurm status shows each shard)');
      }
      const sub = resubmitShards(project, shards);
      const job = sub.resubmitted[String(shards[0])];
      console.log(`Resubmitted shard(s) ${shards.join(', ')} as job ${job}; merge job ${sub.mergeJob} runs after them`);
      console.log(`Follow it: gstudio slurm status ${project}`);
    });
}

function printStatus(project: string, s: ClusterStatus): void {
  const counts = (p: string) => s.shards.filter((x) => x.phase === p).length;
  console.log(`Array job ${s.submission.arrayJob}, ${s.submission.shards} shards, submitted ${s.submission.submittedAt}`);
  for (const x of s.shards) {
    const clips = x.clips > 0 ? `${x.extracted + x.failed}/${x.clips} clips (${x.failed} failed)` : '';
    console.log(`  shard ${x.shard}  ${x.phase.padEnd(8)} ${x.job}  ${x.slurm ?? ''}  ${clips}`.trimEnd());
  }
  console.log(`Merge job ${s.merge.job}: ${s.merge.slurm ?? 'ended (SLURM no longer lists it)'}; keypoints file holds ${s.keypointsClips} clips`);
  console.log(`${counts('done') + counts('merged')} done, ${counts('running')} running, ${counts('pending')} pending, ${counts('failed')} failed`);
  if (counts('failed') > 0) console.log(`Resubmit the failed shards: gstudio slurm resubmit ${relative(process.cwd(), project) || '.'}`);
}
