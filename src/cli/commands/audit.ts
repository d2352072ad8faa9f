import { existsSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { AuditSettings, type AuditReport } from '../../api/audit';
import { auditKeypoints } from '../../core/audit/audit-keypoints';
import { auditProject } from '../../core/audit/audit-project';
import { InvalidInputError } from '../../core/errors';
import { ProjectStore } from '../../core/project';
import { recoverProjectKeypoints } from '../../core/extraction/recover-keypoints';
import { withProgress } from '../in-process-job';
import { join } from 'node:path';

interface AuditFlags {
  folds: number;
  model: 'lstm' | 'gru' | 'transformer';
  epochs?: number;
  lr?: number;
  seed?: number;
  ranking: 'self_confidence' | 'normalized_margin';
  out?: string;
  json?: boolean;
  top: number;
}

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidInputError(`${name}: invalid value "${v}"`);
  return n;
};

interface FlaggedLine {
  clip: string;
  given: string;
  suggested: string;
  score: number;
  rank: number;
}

function printReport(r: AuditReport, flagged: FlaggedLine[], top: number): void {
  for (const w of r.warnings) console.log(`Note: ${w}`);
  for (const e of r.excluded) console.log(`Not audited: ${e.what}: ${e.reason}`);
  console.log(`${r.flagged} of ${r.clips} clips look mislabelled (${r.folds} folds${r.folds < r.foldsRequested ? ` of ${r.foldsRequested} asked` : ''}, ranked by ${r.ranking.replace('_', ' ')}); estimated wrong labels overall ${(100 * r.noiseOverall).toFixed(1)}%`);
  const w = Math.max(5, ...r.labels.map((l) => l.length));
  console.log(`\n${'class'.padEnd(w)}  clips  flagged  est. wrong  threshold`);
  for (const c of r.perClass) {
    console.log(`${c.label.padEnd(w)}  ${String(c.clips).padStart(5)}  ${String(c.flagged).padStart(7)}  ${(100 * c.estimatedNoise).toFixed(1).padStart(9)}%  ${c.threshold === null ? '-' : c.threshold.toFixed(3)}`);
  }
  if (r.overlaps.length) console.log(`\nclasses that overlap most: ${r.overlaps.map((o) => `${o.a} / ${o.b} (${(100 * o.share).toFixed(1)}%)`).join(', ')}`);
  if (flagged.length) {
    console.log(`\nmost likely mislabelled${flagged.length > top ? ` (first ${top}; --top for more, --json for all)` : ''}:`);
    for (const f of flagged.slice(0, top)) console.log(`${String(f.rank).padStart(4)}. ${f.clip}  given ${f.given} -> suggested ${f.suggested}  score ${f.score.toFixed(3)}`);
  }
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('find likely wrong labels: k-fold out-of-fold predictions for every clip, then confident learning (Northcutt et al. 2021)')
    .argument('<project|file.h5>', 'a studio project folder (results stored in it) or a keypoint HDF5 file')
    .option('--folds <k>', 'cross-validation folds', positiveInt('--folds'), 5)
    .addOption(new Option('--model <type>', 'sequence model').choices(['lstm', 'gru', 'transformer']).default('lstm'))
    .option('--epochs <n>', "maximum epochs per fold (default: the project's training setting, else 50)", positiveInt('--epochs'))
    .option('--lr <x>', 'learning rate (default: the training setting)', (v) => {
      const n = Number(v);
      if (!(n > 0)) throw new InvalidInputError(`--lr: invalid value "${v}"`);
      return n;
    })
    .option('--seed <n>', 'seed of the folds and the training', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new InvalidInputError(`--seed: invalid value "${v}"`);
      return n;
    })
    .addOption(new Option('--ranking <how>', 'order of the flagged clips').choices(['self_confidence', 'normalized_margin']).default('self_confidence'))
    .option('--out <dir>', 'for a file: where the folds go (default <file>.audit; running again resumes)')
    .option('--top <n>', 'flagged clips to print', positiveInt('--top'), 20)
    .option('--json', 'print the report and every flagged clip as JSON')
    .action(async (target: string, f: AuditFlags) => {
      if (!existsSync(target)) throw new InvalidInputError(`${target} does not exist: give a project folder or a keypoint .h5 file`);
      const overrides = { folds: f.folds, model: f.model, ranking: f.ranking, ...(f.epochs ? { epochs: f.epochs } : {}), ...(f.lr ? { lr: f.lr } : {}), ...(f.seed !== undefined ? { seed: f.seed } : {}) };
      let report: AuditReport;
      let flagged: FlaggedLine[];
      if (statSync(target).isDirectory()) {
        if (!ProjectStore.exists(target)) throw new InvalidInputError(`${target} is a folder but not a studio project (no gstudio.sqlite): give a project or a .h5 file`);
        const store = ProjectStore.open(target);
        let auditId: number;
        try {
          await recoverProjectKeypoints(store);
          const saved = AuditSettings.safeParse({ ...((store.setting('training') as object | undefined) ?? {}), ...overrides });
          if (!saved.success) throw new InvalidInputError(`the audit settings are invalid: ${saved.error.issues[0]?.message}`);
          const settings = saved.data;
          // An interrupted audit with the same settings resumes (its finished folds are kept).
          const last = store.audits.latestId('any');
          const lastRow = last === null ? null : store.audits.row(last);
          if (lastRow && lastRow.status !== 'done' && lastRow.settings === JSON.stringify(settings)) {
            auditId = lastRow.id;
            if (lastRow.status === 'running') store.audits.setStatus(auditId, 'failed', 'Interrupted');
            console.error(`Resuming audit ${auditId}`);
          } else auditId = store.audits.create(settings, join(store.dir, 'audits', Date.now().toString(36)));
        } finally {
          store.close();
        }
        await withProgress('Auditing labels', 'batches', (ctx) => auditProject({ projectDir: target, auditId }, ctx), { onCancel: 'finished folds are kept; run the command again to resume' });
        const reopened = ProjectStore.open(target);
        try {
          report = reopened.audits.info(auditId).report!;
          flagged = reopened.audits
            .clips(auditId)
            .filter((c) => c.flagged)
            .map((c) => ({ clip: c.relPath, given: c.givenClass, suggested: c.suggestedClass ?? '?', score: c.quality, rank: c.rank ?? 0 }));
        } finally {
          reopened.close();
        }
        if (!f.json) console.log(`Stored in the project as audit ${auditId}: review it in the studio (Evaluation view, or Clips > Review > Likely mislabelled)`);
      } else {
        const settings = AuditSettings.parse(overrides);
        const result = await withProgress(
          'Auditing labels',
          'batches',
          (ctx) =>
            auditKeypoints(
              { dataPath: target, outDir: f.out ?? `${target}.audit`, settings },
              { signal: ctx.signal, log: ctx.log, onProgress: (a) => ctx.progress({ done: a.done, total: a.total, etaSeconds: a.etaSeconds, message: a.message }) },
            ),
          { onCancel: 'finished folds are kept; run the command again to resume' },
        );
        report = result.report;
        flagged = result.clips
          .filter((c) => c.flagged)
          .sort((a, b) => a.rank! - b.rank!)
          .map((c) => ({ clip: c.key, given: report.labels[c.label], suggested: report.labels[c.suggested!], score: c.quality, rank: c.rank! }));
      }
      if (f.json) process.stdout.write(`${JSON.stringify({ report, flagged })}\n`);
      else printReport(report, flagged, f.top);
    });
}
