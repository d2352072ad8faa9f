import { z } from 'zod';
import type { AuditInfo } from '../../api/audit';
import { AuditSettings } from '../../api/audit';
import { CancelledError, errorMessage, StudioError } from '../errors';
import type { JobContext } from '../jobs/job-context';
import { ProjectStore, projectFiles, type AuditClipRecord } from '../project';
import { syncLabelsToKeypoints } from '../runs/sync-labels';
import { auditKeypoints } from './audit-keypoints';

export const AuditProjectParams = z.object({
  projectDir: z.string().min(1),
  auditId: z.number().int().positive(),
});
export type AuditProjectParams = z.input<typeof AuditProjectParams>;

/**
 * The label audit of a project (a job): relabels synced into the keypoints file first, so that the
 * audit judges the labels the researcher sees; the folds run in this process one after another (on
 * a shared two-core machine, parallel folds would only fight over the cores); the scores are
 * stored per clip with the audit that made them. Running the same audit again after a crash or a
 * cancel reuses its finished folds (their probabilities are in the audit's folder).
 */
export async function auditProject(raw: unknown, ctx: JobContext): Promise<AuditInfo> {
  const p = AuditProjectParams.parse(raw);
  const store = ProjectStore.open(p.projectDir);
  try {
    const row = store.audits.row(p.auditId);
    const settings = AuditSettings.parse(JSON.parse(row.settings));
    store.audits.setStatus(p.auditId, 'running');
    ctx.progress({ done: 0, total: 1, message: 'Syncing labels' });
    const relabelled = await syncLabelsToKeypoints(store);
    if (relabelled) ctx.log(`${relabelled} relabelled clip(s) updated in the keypoints file`);
    // What the file's class names mean now: a class renamed during the audit keeps its id.
    const known = store.classes.activeIds();
    let last = { done: 0, total: 1 };
    const result = await auditKeypoints(
      { dataPath: projectFiles(store.dir).keypoints, outDir: row.audit_dir, settings },
      {
        signal: ctx.signal,
        log: (m) => ctx.log(m),
        onProgress: (a) => {
          last = { done: a.done, total: a.total };
          ctx.progress({ done: a.done, total: a.total, etaSeconds: a.etaSeconds, message: a.message });
        },
      },
    );
    const byKey = store.clipIdsByKey();
    const classId = store.classes.idsForLabels(result.report.labels, known);
    const records: AuditClipRecord[] = [];
    for (const c of result.clips) {
      const clipId = byKey.get(c.key);
      if (clipId === undefined) continue;
      records.push({
        clipId,
        givenClassId: classId[c.label],
        fold: c.fold,
        probs: c.probabilities,
        flagged: c.flagged,
        suggestedClassId: c.suggested === null ? null : classId[c.suggested],
        quality: c.quality,
        rank: c.rank,
      });
    }
    if (records.length === 0) throw new StudioError('no_predictions', 'The audit matched no clip of the project');
    const notExtracted = store.db.prepare("SELECT COUNT(*) AS n FROM clips WHERE status = 'ok' AND extract_status != 'done'").get() as { n: number };
    if (notExtracted.n > 0) result.report.excluded.push({ what: `${notExtracted.n} clip(s) without keypoints`, reason: 'not extracted (pending, failed or stale): extract them to audit them' });
    store.audits.finish(p.auditId, result.report, records);
    // Early stopping ends folds before their last epoch: the bar ends full.
    ctx.progress({ done: last.total, total: last.total, message: `Done: ${result.report.flagged} of ${result.report.clips} clips flagged as likely mislabelled` });
    return store.audits.info(p.auditId);
  } catch (err) {
    const cancelled = ctx.signal.aborted || err instanceof CancelledError;
    store.audits.setStatus(p.auditId, cancelled ? 'cancelled' : 'failed', cancelled ? 'Cancelled: run it again to resume (finished folds are kept)' : errorMessage(err));
    throw err;
  } finally {
    store.close();
  }
}
