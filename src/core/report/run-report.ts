import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readSequenceFile } from '../dataset/sequence-file-reader';
import { evaluateRunDetailed } from '../evaluation/evaluate-run';
import { RunDirError } from '../errors';
import { runFiles } from '../training/run-files';
import { auditSectionHtml, projectAuditFor, type AuditSummaryFile } from './audit-section';

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function inlineSvg(path: string): string {
  // The pictures training wrote, inlined: the report needs no other file and no network.
  return existsSync(path) ? readFileSync(path, 'utf8').replace(/<\?xml[^>]*>/, '') : '<p class="muted">(picture missing)</p>';
}

/**
 * One self-contained HTML page for a run: settings, curves, test metrics, per-class table,
 * confusion matrix and the misclassified test clips with their confidences. Opens offline.
 */
export async function runReportHtml(runDir: string, options: { dataPath?: string; /** Default: the latest audit of the run's project, if any. */ audit?: AuditSummaryFile | null } = {}): Promise<string> {
  const files = runFiles(runDir);
  if (!existsSync(files.summary)) throw new RunDirError(`${runDir} has no summary.json: the run did not finish, so there is nothing to report`);
  const summary = JSON.parse(readFileSync(files.summary, 'utf8')) as {
    status: string;
    dataPath: string;
    backend: { backend: string };
    spec: Record<string, unknown>;
    options: Record<string, unknown>;
    labels: string[];
    dataset: { clips: number; seqLen: number; numFeatures: number };
    split: { train: number; val: number; test: number };
    epochsRun: number;
    bestEpoch: number;
    bestValF1: number;
    trainSamplesPerSecond: number;
    durationSeconds: number;
    parameters: number;
    warnings: string[];
  };
  const dataPath = options.dataPath ?? summary.dataPath;
  const { report, predictions } = await evaluateRunDetailed(runDir, { split: 'test', dataPath });
  const file = await readSequenceFile(dataPath);
  const paths = new Map(file.clips.map((c) => [c.key, c.originalPath]));
  const wrong = predictions.filter((p) => p.predicted !== p.label).sort((a, b) => b.confidence - a.confidence);
  const audit = options.audit === undefined ? projectAuditFor(runDir) : options.audit;
  const settings = Object.entries({ ...summary.spec, ...summary.options }).filter(([k]) => !['type', 'runDir', 'dataPath', 'resume', 'augmentation', 'inputSize', 'seqLen', 'numClasses'].includes(k));

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gesture Studio run report</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330;padding:0 1rem}
h1{margin-bottom:.2rem}.muted{color:#667085}section{margin:2rem 0}
table{border-collapse:collapse}td,th{padding:.3rem .7rem;border-bottom:1px solid #dde1e8;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.metrics{display:flex;gap:3rem}.metrics b{display:block;font-size:2rem}.pictures{display:flex;flex-wrap:wrap;gap:1rem}.pictures svg{max-width:100%;height:auto}
</style></head><body>
<h1>Run report</h1>
<p class="muted">${esc(runDir)} · data ${esc(dataPath)} · ${esc(summary.backend.backend)} backend · ${summary.parameters.toLocaleString('en')} parameters</p>
<section aria-label="Test metrics"><h2>Test metrics</h2><div class="metrics">
<div><b id="accuracy">${pct(report.accuracy)}</b>accuracy</div><div><b id="macro-f1">${report.macro_f1.toFixed(4)}</b>macro F1</div>
<div><b>${summary.split.test}</b>test clips</div><div><b>${summary.epochsRun}</b>epochs (best ${summary.bestEpoch}, val F1 ${summary.bestValF1.toFixed(4)})</div></div></section>
<section><h2>Settings</h2><table aria-label="Settings"><tbody>
${settings.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'object' ? JSON.stringify(v) : v)}</td></tr>`).join('\n')}
<tr><th>clips</th><td>${summary.dataset.clips} (train ${summary.split.train}, val ${summary.split.val}, test ${summary.split.test}); sequences ${summary.dataset.seqLen} × ${summary.dataset.numFeatures}</td></tr>
<tr><th>training speed</th><td>${summary.trainSamplesPerSecond.toFixed(0)} samples/s, ${summary.durationSeconds.toFixed(1)} s in all</td></tr>
</tbody></table>
${summary.warnings.length ? `<p>Notes: ${summary.warnings.map(esc).join('; ')}</p>` : ''}</section>
<section><h2>Training curves</h2><div class="pictures">${inlineSvg(files.lossCurves)}${inlineSvg(files.accuracyCurves)}</div></section>
<section><h2>Per class</h2><table aria-label="Per-class report"><thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead><tbody>
${report.labels.map((l) => { const c = report.per_class[l]; return `<tr><th>${esc(l)}</th><td class="num">${c.precision.toFixed(3)}</td><td class="num">${c.recall.toFixed(3)}</td><td class="num">${c.f1.toFixed(3)}</td><td class="num">${c.support}</td></tr>`; }).join('\n')}
</tbody></table></section>
<section><h2>Confusion matrix</h2><div class="pictures">${inlineSvg(files.confusionMatrix)}</div></section>
<section><h2>Misclassified test clips (${wrong.length})</h2>
${wrong.length === 0 ? '<p>Every test clip was classified correctly.</p>' : `<table aria-label="Misclassified clips"><thead><tr><th>clip</th><th>true class</th><th>predicted</th><th>confidence</th></tr></thead><tbody>
${wrong.map((p) => `<tr><td>${esc(paths.get(p.key) ?? p.key)}</td><td>${esc(report.labels[p.label])}</td><td>${esc(report.labels[p.predicted])}</td><td class="num">${pct(p.confidence)}</td></tr>`).join('\n')}
</tbody></table>`}</section>
${audit ? auditSectionHtml(audit) : ''}
<p class="muted">Made by Gesture Studio on ${esc(new Date().toISOString())}.</p>
</body></html>
`;
}

export async function writeRunReport(runDir: string, out: string, options: { dataPath?: string; audit?: AuditSummaryFile | null } = {}): Promise<string> {
  writeFileSync(out, await runReportHtml(runDir, options));
  return out;
}
