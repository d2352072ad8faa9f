import type { Command } from 'commander';
import { importVideoFolder, ProjectStore } from '../../core/project';
import { runJobWithProgress } from '../run-job';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import a folder of clips (one sub-folder per class) and probe every clip')
    .argument('<project_dir>', 'a project made with "gstudio init"')
    .argument('<videos_root>', 'folder with one sub-folder per class')
    .action(async (dir: string, root: string) => {
      const store = ProjectStore.open(dir);
      let report;
      try {
        report = await importVideoFolder(store, root);
      } finally {
        store.close();
      }
      console.log(`Found ${report.classes.length} classes in ${report.videoRoot}: ${report.added} new or changed clips, ${report.unchanged} unchanged, ${report.missing} missing`);
      for (const s of report.skipped) console.log(`  skipped ${s.path}: ${s.reason}`);
      for (const d of report.duplicates) console.log(`  identical files${d.classes.length > 1 ? ` in different classes (${d.classes.join(', ')})` : ''}: ${d.paths.join(', ')} (training keeps them in one split)`);
      const job = await runJobWithProgress('probe', { projectDir: store.dir }, 'Probing', 'clips');
      if (job.state !== 'done') throw new Error(`Probing ${job.state}: ${job.error ?? ''}`.trim());
      printSummary(dir);
    });
}

function printSummary(dir: string): void {
  const store = ProjectStore.open(dir);
  try {
    const s = store.summary();
    const width = Math.max(5, ...s.classes.map((c) => c.name.length));
    console.log(`\n${'class'.padEnd(width)}  clips  ok  failed`);
    for (const c of s.classes) console.log(`${c.name.padEnd(width)}  ${String(c.clips).padStart(5)}  ${String(c.ok).padStart(2)}  ${String(c.failed).padStart(6)}`);
    console.log(`${'total'.padEnd(width)}  ${String(s.totals.clips).padStart(5)}  ${String(s.totals.ok).padStart(2)}  ${String(s.totals.failed).padStart(6)}   ${s.totals.durationSeconds.toFixed(1)} s of video`);
    const failed = store.listClips({ status: 'failed', limit: 2000 });
    if (failed.total > 0) {
      console.log(`\n${failed.total} clip(s) could not be read (recorded in the project; the rest go on):`);
      for (const c of failed.items) console.log(`  ${c.relPath}: ${c.error ?? ''}`);
    }
    console.log(`\nProject database: ${store.dir}/gstudio.sqlite`);
  } finally {
    store.close();
  }
}
