import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { z } from 'zod';
import { AuditSettings, type JobKind, type Methods, type Result, type StudioEvent, type TrainingSettings } from '../../api';
import { StudioError } from '../errors';
import { projectFiles, type ProjectStore } from '../project';
import { recoverProjectKeypoints } from '../extraction/recover-keypoints';

type AuditMethod = 'audit.defaults' | 'audit.start' | 'audit.queue' | 'audit.accept' | 'audit.keep';
type AuditHandlers = { [M in AuditMethod]: (params: z.output<Methods[M]['params']>) => Promise<Result<M>> | Result<M> };

/** What the audit handlers need from the service that hosts them. */
export interface AuditHost {
  store(): ProjectStore;
  author: string;
  running(kind?: string): boolean;
  startJob(kind: JobKind, params: { projectDir: string } & Record<string, unknown>): string;
  trainingDefaults(): TrainingSettings;
  emit(event: StudioEvent): void;
}

/** The label audit's API: start (or resume) an audit, its review queue, accept and keep. */
export function auditHandlers(h: AuditHost): AuditHandlers {
  const defaults = (): AuditSettings => {
    const saved = AuditSettings.safeParse({ ...h.trainingDefaults(), ...((h.store().setting('audit') as object | undefined) ?? {}) });
    return saved.success ? saved.data : AuditSettings.parse(h.trainingDefaults());
  };
  const changed = <T>(change: T): T => {
    h.emit({ type: 'project', what: 'labels' });
    return change;
  };
  const requireDone = (auditId: number) => {
    const row = h.store().audits.row(auditId);
    if (row.status !== 'done') throw new StudioError('invalid_input', `Audit ${auditId} has not finished: review its clips when it is done`);
  };
  return {
    'audit.defaults': () => defaults(),
    'audit.start': async ({ settings, resumeAuditId }) => {
      const store = h.store();
      if (h.running('audit')) throw new StudioError('busy', 'An audit is already running: wait for it or cancel it');
      if (h.running('train')) throw new StudioError('busy', 'Training is running: audit when it is done (both would share the same cores)');
      if (h.running('extract')) throw new StudioError('busy', 'Extraction is running: audit when it is done, so that the audit sees every clip');
      await recoverProjectKeypoints(store);
      if (!existsSync(projectFiles(store.dir).keypoints)) throw new StudioError('no_keypoints', 'No keypoints yet: run the extraction first (Extraction view)');
      let auditId: number;
      if (resumeAuditId !== undefined) {
        const row = store.audits.row(resumeAuditId);
        if (row.status === 'done') throw new StudioError('invalid_input', `Audit ${resumeAuditId} has finished: start a new one`);
        auditId = resumeAuditId;
      } else {
        const merged = AuditSettings.parse({ ...defaults(), ...settings });
        store.setSetting('audit', { folds: merged.folds, ranking: merged.ranking, epochs: merged.epochs });
        const dir = join(store.dir, 'audits', `${Date.now().toString(36)}`);
        auditId = store.audits.create(merged, dir);
      }
      const jobId = h.startJob('audit', { projectDir: store.dir, auditId });
      h.emit({ type: 'project', what: 'audits' });
      return { jobId, auditId };
    },
    'audit.queue': () => {
      const audits = h.store().audits;
      const doneId = audits.latestId('done');
      const anyId = audits.latestId('any');
      return {
        audit: doneId === null ? null : audits.info(doneId),
        latest: anyId !== null && anyId !== doneId ? audits.info(anyId) : null,
        rows: doneId === null ? [] : audits.queue(doneId),
      };
    },
    'audit.accept': ({ auditId, clipIds }) => {
      requireDone(auditId);
      const store = h.store();
      return changed(store.labels.review('relabel', store.audits.suggestions(auditId, clipIds), h.author, auditId));
    },
    'audit.keep': ({ auditId, clipIds }) => {
      requireDone(auditId);
      const store = h.store();
      return changed(store.labels.review('keep', store.audits.suggestions(auditId, clipIds), h.author, auditId));
    },
  };
}
