import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../api/audit';
import { ProjectStore } from './project-store';

const clip = (className: string, name: string) => ({ relPath: `${className}/${name}`, className, sizeBytes: 100, mtimeMs: 1000 });
const report = { labels: ['a', 'b'], folds: 2, foldsRequested: 2, ranking: 'self_confidence', clips: 4, flagged: 2, noiseOverall: 0.5, outOfFoldAccuracy: 0.5, perClass: [], confidentJoint: [[1, 1], [1, 1]], overlaps: [], excluded: [], warnings: [], foldSeconds: [1, 1], durationSeconds: 2 } satisfies AuditReport;

function auditedProject() {
  const dir = mkdtempSync(join(tmpdir(), 'gs-audit-store-'));
  const store = ProjectStore.create(dir);
  store.syncClips([clip('a', '1.mp4'), clip('a', '2.mp4'), clip('b', '3.mp4'), clip('b', '4.mp4')]);
  const id = Object.fromEntries(store.listClips({}).items.map((c) => [c.name, c.id]));
  const [a, b] = [store.classId('a'), store.classId('b')];
  const audit = store.audits.create({ folds: 2 }, join(dir, 'audits', 'x'));
  store.audits.finish(audit, report, [
    { clipId: id['1.mp4'], givenClassId: a, fold: 0, probs: [0.9, 0.1], flagged: false, suggestedClassId: null, quality: 0.9, rank: null },
    { clipId: id['2.mp4'], givenClassId: a, fold: 1, probs: [0.3, 0.7], flagged: true, suggestedClassId: b, quality: 0.3, rank: 2 },
    { clipId: id['3.mp4'], givenClassId: b, fold: 0, probs: [0.9, 0.1], flagged: true, suggestedClassId: a, quality: 0.1, rank: 1 },
    { clipId: id['4.mp4'], givenClassId: b, fold: 1, probs: [0.2, 0.8], flagged: false, suggestedClassId: null, quality: 0.8, rank: null },
  ]);
  return { dir, store, id, a, b, audit };
}

describe('audit store: the review queue', () => {
  it('lists flagged clips by rank; accept and keep take them off, undo puts them back, and it all survives a restart', () => {
    const { dir, store, id, a, audit } = auditedProject();
    const queue = () => store.audits.queue(audit).map((r) => [r.name, r.givenClass, r.suggestedClass]);
    expect(queue()).toEqual([
      ['3.mp4', 'b', 'a'],
      ['2.mp4', 'a', 'b'],
    ]);
    expect(store.listClips({ review: 'mislabelled' }).items.map((c) => c.name)).toEqual(['3.mp4', '2.mp4']);

    // Enter: the suggestion becomes the label, in the label history with the audit.
    store.labels.review('relabel', store.audits.suggestions(audit, [id['3.mp4']]), 'ann', audit);
    expect(store.getClip(id['3.mp4']).classId).toBe(a);
    expect(queue()).toEqual([['2.mp4', 'a', 'b']]);
    // K: the label stays, recorded as reviewed by whom and when.
    const kept = store.labels.review('keep', store.audits.suggestions(audit, [id['2.mp4']]), 'bob', audit);
    expect(kept.description).toMatch(/Kept the label of 1 clip/);
    expect(store.getClip(id['2.mp4']).className).toBe('a');
    expect(queue()).toEqual([]);
    expect(store.labels.history(id['2.mp4'])).toEqual([expect.objectContaining({ kind: 'keep', oldClass: 'a', newClass: 'a', author: 'bob', state: 'applied', at: expect.any(String) })]);
    expect(store.audits.info(audit)).toMatchObject({ pending: 0, stale: false });
    store.close();

    const reopened = ProjectStore.open(dir);
    expect(reopened.audits.queue(audit)).toEqual([]);
    // Undo the keep, then the accept: both clips are back, with their labels as before.
    expect(reopened.labels.undo()?.description).toMatch(/Undid keeping the label of 1 clip/);
    expect(reopened.audits.queue(audit).map((r) => r.name)).toEqual(['2.mp4']);
    reopened.labels.undo();
    expect(reopened.getClip(id['3.mp4']).className).toBe('b');
    expect(reopened.audits.queue(audit).map((r) => r.name)).toEqual(['3.mp4', '2.mp4']);
    reopened.close();
  });

  it('is stale once a clip it did not flag is relabelled elsewhere', () => {
    const { store, id, b, audit } = auditedProject();
    expect(store.audits.info(audit).stale).toBe(false);
    store.labels.relabel([id['1.mp4']], b, 'ann');
    expect(store.audits.info(audit)).toMatchObject({ stale: true, changedElsewhere: 1 });
    store.close();
  });
});
