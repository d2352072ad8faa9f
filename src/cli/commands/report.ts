import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { writeRunReport } from '../../core/report/run-report';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("one self-contained HTML page of a run: settings, curves, test metrics, per-class table, confusion matrix, misclassified clips")
    .argument('<run_dir>', 'a directory written by "gstudio train"')
    .option('--out <report.html>', 'where to write it (default: <run_dir>/report.html)')
    .option('--data <file.h5>', 'the keypoint file, if it moved since training')
    .action(async (runDir: string, f: { out?: string; data?: string }) => {
      const out = resolve(f.out ?? join(runDir, 'report.html'));
      await writeRunReport(runDir, out, { dataPath: f.data });
      console.log(`Report: ${out}`);
    });
}
