import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { writeRunReport } from '../../core/report/run-report';
import { readAuditSummary } from '../../core/report/audit-section';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("one self-contained HTML page of a run: settings, curves, test metrics, per-class table, confusion matrix, misclassified clips")
    .argument('<run_dir>', 'a directory written by "gstudio train"')
    .option('--out <report.html>', 'where to write it (default: <run_dir>/report.html)')
    .option('--data <file.h5>', 'the keypoint file, if it moved since training')
    .option('--audit <audit.json>', 'add this label audit (written by "gstudio audit file.h5"); a run inside a project gets its latest audit by itself')
    .action(async (runDir: string, f: { out?: string; data?: string; audit?: string }) => {
      const out = resolve(f.out ?? join(runDir, 'report.html'));
      await writeRunReport(runDir, out, { dataPath: f.data, ...(f.audit ? { audit: readAuditSummary(f.audit) } : {}) });
      console.log(`Report: ${out}`);
    });
}
