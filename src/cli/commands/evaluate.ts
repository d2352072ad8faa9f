import { Option, type Command } from 'commander';

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description("the run's best model on its test split: accuracy, macro F1, per-class report, confusion matrix")
    .argument('<run_dir>', 'a directory written by "gstudio train"')
    .option('--json', 'print {accuracy, macro_f1, labels, per_class, confusion_matrix} as JSON')
    .addOption(new Option('--split <part>', 'which part of the split').choices(['train', 'val', 'test']).default('test'))
    .option('--data <file.h5>', 'the keypoint file, if it moved since training')
    .action(async (runDir: string, f: { json?: boolean; split: 'train' | 'val' | 'test'; data?: string }) => {
      const { evaluateRun } = await import('../../core/evaluation/evaluate-run');
      const r = await evaluateRun(runDir, { split: f.split, dataPath: f.data });
      if (f.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const w = Math.max(5, ...r.labels.map((l) => l.length));
      console.log(`accuracy ${r.accuracy.toFixed(4)}   macro F1 ${r.macro_f1.toFixed(4)}\n`);
      console.log(`${'class'.padEnd(w)}  precision  recall  f1      support`);
      for (const l of r.labels) {
        const c = r.per_class[l];
        console.log(`${l.padEnd(w)}  ${c.precision.toFixed(4).padStart(9)}  ${c.recall.toFixed(4).padStart(6)}  ${c.f1.toFixed(4)}  ${String(c.support).padStart(7)}`);
      }
      console.log('\nconfusion matrix (rows: true, columns: predicted)');
      console.log(`${''.padEnd(w)}  ${r.labels.map((l) => l.slice(0, 6).padStart(6)).join(' ')}`);
      r.confusion_matrix.forEach((row, i) => console.log(`${r.labels[i].padEnd(w)}  ${row.map((v) => String(v).padStart(6)).join(' ')}`));
    });
}
