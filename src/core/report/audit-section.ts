import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { AuditReport } from '../../api/audit';
import { InvalidInputError } from '../errors';
import { ProjectStore } from '../project';

/** What the run report shows of a label audit. */
export const AuditSummaryFile = z.object({
  report: AuditReport,
  flagged: z.array(z.object({ clip: z.string(), given: z.string(), suggested: z.string(), score: z.number(), rank: z.number().int() })),
  /** Labels changed elsewhere since the audit ran (project audits). */
  stale: z.boolean().default(false),
});
export type AuditSummaryFile = z.infer<typeof AuditSummaryFile>;

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** An audit.json written by `gstudio audit file.h5` (in its --out folder). */
export function readAuditSummary(path: string): AuditSummaryFile {
  const file = existsSync(path) && !path.endsWith('.json') ? resolve(path, 'audit.json') : path;
  if (!existsSync(file)) throw new InvalidInputError(`${file} does not exist: give the audit.json (or the folder) that "gstudio audit" wrote`);
  const parsed = AuditSummaryFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new InvalidInputError(`${file} is not an audit summary written by "gstudio audit"`);
  return parsed.data;
}

/** The latest finished audit of the project a run directory belongs to (<project>/runs/<run>), if any. */
export function projectAuditFor(runDir: string): AuditSummaryFile | null {
  const projectDir = dirname(dirname(resolve(runDir)));
  if (!ProjectStore.exists(projectDir)) return null;
  const store = ProjectStore.open(projectDir);
  try {
    const id = store.audits.latestId('done');
    if (id === null) return null;
    const info = store.audits.info(id);
    if (!info.report) return null;
    const flagged = store.audits
      .clips(id)
      .filter((c) => c.flagged)
      .map((c) => ({ clip: c.relPath, given: c.givenClass, suggested: c.suggestedClass ?? '?', score: c.quality, rank: c.rank ?? 0 }));
    return { report: info.report, flagged, stale: info.stale };
  } finally {
    store.close();
  }
}

export function auditSectionHtml(a: AuditSummaryFile): string {
  const r = a.report;
  return `<section aria-label="Label audit"><h2>Label audit</h2>
<p>${r.flagged} of ${r.clips} clips look mislabelled (confident learning on ${r.folds}-fold out-of-fold predictions, ranked by ${esc(r.ranking.replace('_', ' '))}); estimated wrong labels overall <b id="audit-noise">${pct(r.noiseOverall)}</b>; out-of-fold accuracy ${pct(r.outOfFoldAccuracy)}.${a.stale ? ' <b>Labels changed since this audit ran: its scores are stale.</b>' : ''}</p>
${r.overlaps.length ? `<p>Classes that overlap most: ${r.overlaps.map((o) => `${esc(o.a)} / ${esc(o.b)} (${pct(o.share)})`).join(', ')}</p>` : ''}
<table aria-label="Estimated noise per class"><thead><tr><th>class</th><th>clips</th><th>flagged</th><th>estimated wrong</th><th>threshold</th></tr></thead><tbody>
${r.perClass.map((c) => `<tr><th>${esc(c.label)}</th><td class="num">${c.clips}</td><td class="num">${c.flagged}</td><td class="num">${pct(c.estimatedNoise)}</td><td class="num">${c.threshold === null ? '–' : c.threshold.toFixed(3)}</td></tr>`).join('\n')}
</tbody></table>
${r.excluded.length ? `<p>Not audited: ${r.excluded.map((e) => `${esc(e.what)} (${esc(e.reason)})`).join('; ')}</p>` : ''}
${a.flagged.length ? `<h3>Flagged clips (${a.flagged.length})</h3><table aria-label="Flagged clips"><thead><tr><th>#</th><th>clip</th><th>given</th><th>suggested</th><th>score</th></tr></thead><tbody>
${a.flagged.map((f) => `<tr><td class="num">${f.rank}</td><td>${esc(f.clip)}</td><td>${esc(f.given)}</td><td>${esc(f.suggested)}</td><td class="num">${f.score.toFixed(3)}</td></tr>`).join('\n')}
</tbody></table>` : '<p>No clip flagged.</p>'}</section>`;
}
