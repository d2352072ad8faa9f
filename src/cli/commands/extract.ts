import { Option, type Command } from 'commander';
import { extractFolder, extractProject, failuresOf, parseShard, partStates, readShardLog, shardName, type ExtractionSummary } from '../../core/extraction';
import { ProjectStore } from '../../core/project';
import { workerScript } from '../../workers/worker-script';
import { addVisionOptions, settingsFromFlags, wholeNumber, type VisionFlags } from '../extraction-options';
import { withProgress } from '../in-process-job';

interface ExtractFlags extends VisionFlags {
  out?: string;
  frames: number;
  workers: number;
  mode: 'middle' | 'resample';
  redo?: boolean;
  failed?: boolean;
  shard?: string;
}

export function registerExtract(program: Command): void {
  const cmd = program
    .command('extract')
    .description('hand keypoints of every clip -> fixed-length sequences in HDF5 (resumes where it stopped)')
    .argument('<source>', 'a videos root (one sub-folder per class) or a project folder')
    .option('--out <file.h5>', 'HDF5 file to write (required for a videos root; a project defaults to its keypoints.h5)')
    .option('--frames <n>', 'frames per sequence (NUM_FRAMES_PER_VIDEO)', wholeNumber('--frames'), 30)
    .addOption(new Option('--mode <mode>', 'long clips: middle window (reference) or resample over the whole clip').choices(['middle', 'resample']).default('middle'))
    .option('--workers <n>', 'worker processes (default: one per core)', wholeNumber('--workers'), 0)
    .option('--redo', 'extract every clip again (needed to change the settings of an extracted file)')
    .option('--failed', 'retry only the clips whose extraction failed (project)')
    .option('--shard <I/N|auto>', 'extract only the I-th of N slices of the clips into a part file beside the keypoints file (auto: from the SLURM array task); combine them with gstudio merge');
  addVisionOptions(cmd).action(async (source: string, flags: ExtractFlags) => {
    const settings = settingsFromFlags(flags);
    const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
    const clipWorker = workerScript('clip-worker');
    // --redo starts over each time: going on from where it stopped is the same command without it.
    const onCancel = flags.redo ? 'finished clips are kept; run the command again without --redo to go on from there' : undefined;
    if (ProjectStore.exists(source) && shard) {
      const summary = await withProgress(`Extracting ${shardName(shard)}`, 'clips', (ctx) =>
        extractProject({ projectDir: source, settings, outFile: flags.out, which: flags.redo ? 'all' : flags.failed ? 'failed' : 'pending', shard }, ctx, clipWorker),
      { onCancel });
      printSummary(summary);
      printShardFailures(summary.outFile);
      console.log(`When every shard is done: gstudio merge ${source}`);
      return;
    }
    if (ProjectStore.exists(source)) {
      const summary = await withProgress('Extracting', 'clips', (ctx) =>
        extractProject({ projectDir: source, settings, outFile: flags.out, which: flags.redo ? 'all' : flags.failed ? 'failed' : 'pending' }, ctx, clipWorker),
      { onCancel });
      printSummary(summary);
      const store = ProjectStore.open(source);
      const failed = store.listClips({ limit: 2000 }).items.filter((c) => c.extractStatus === 'failed');
      const counts = store.extractionCounts();
      store.close();
      for (const c of failed) console.log(`  failed ${c.relPath}: ${c.extractError}`);
      if (failed.length > 0) console.log(`Retry the failed clips with: gstudio extract ${source} --failed`);
      console.log(`Project: ${counts.done} clips extracted, ${counts.pending + counts.stale} to extract, ${counts.failed} failed, ${counts.unreadable} unreadable`);
      const parts = partStates(summary.outFile);
      if (parts.length > 0) console.log(`${parts.length} part file(s) of a sharded extraction are not merged yet: gstudio merge ${source}`);
      return;
    }
    if (!flags.out) throw new Error('--out FILE.h5 is needed when the source is a videos root (or give a project folder)');
    const result = await withProgress('Extracting', 'clips', (ctx) => extractFolder(source, flags.out!, settings, ctx, clipWorker, { redo: flags.redo, shard }), { onCancel });
    for (const s of result.skippedFiles) console.log(`  skipped ${s.path}: ${s.reason}`);
    printSummary(result.summary);
    for (const f of result.failures) console.log(`  failed ${f.relPath}: ${f.reason}`);
    if (shard) console.log(`When every shard is done: gstudio merge ${flags.out}`);
  });
}

/** A shard's failures, this run's and earlier ones (its log keeps them until the merge). */
function printShardFailures(partFile: string): void {
  for (const f of failuresOf(readShardLog(partFile))) console.log(`  failed ${f.relPath}: ${f.reason}`);
}

function printSummary(s: ExtractionSummary): void {
  if (s.detectorWarning) console.log(`Note: ${s.detectorWarning}`);
  if (s.regionsUsed) console.log(`Regions: ${s.regionsUsed}`);
  if (s.settingsChanged) console.log(`New settings (${s.settingsChanged.join(', ')}): the keypoints file was started afresh`);
  console.log(
    `${s.extracted} clips extracted, ${s.skipped ? `${s.skipped} already in the file, ` : ''}${s.failed} failed, of ${s.total}; ` +
      `${s.frames} frames in ${s.seconds.toFixed(1)} s (${s.framesPerSecond.toFixed(1)} frames/s)`,
  );
  if (s.noHands > 0) {
    console.log(`${s.noHands} clip(s) had no hand in any frame (all-zero sequences, as the reference pipeline writes): check them`);
    for (const c of s.noHandsClips.slice(0, 20)) console.log(`  no hands ${c}`);
    if (s.noHandsClips.length > 20) console.log(`  ... and ${s.noHandsClips.length - 20} more`);
  }
  console.log(`Keypoints: ${s.outFile}`);
}
