import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSequences } from '../../core/dataset/synthetic-sequences';
import { repoRoot } from '../../test-support/shared-data';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-audit-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function gstudio(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'gstudio.mjs'), ...args], { encoding: 'utf8', timeout: 300_000, cwd: tmp });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('gstudio audit', () => {
  it('audits a keypoint file, with as many folds as its smallest class allows, and prints JSON', { timeout: 300_000 }, async () => {
    const file = join(tmp, 'small.h5');
    await writeSyntheticSequences({ path: file, classes: 2, perClass: [3, 8], seqLen: 6, features: 4, seed: 2 });
    const r = gstudio('audit', file, '--folds', '5', '--epochs', '1', '--json');
    expect(r.code).toBe(0);
    const { report, flagged } = JSON.parse(r.out);
    expect(report).toMatchObject({ folds: 3, foldsRequested: 5, clips: 11, labels: ['class_0', 'class_1'] });
    expect(report.warnings.join(" ")).toMatch(/"class_0" \(3\) has fewer clips than 5 folds: using 3 folds/);
    expect(flagged.length).toBe(report.flagged);
    expect(existsSync(join(`${file}.audit`, 'fold-3.json'))).toBe(true);
  });

  it('says what to give it when the target is wrong', () => {
    const missing = gstudio('audit', join(tmp, 'nothing.h5'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nothing\.h5 does not exist: give a project folder or a keypoint \.h5 file/);
    const folder = gstudio('audit', tmp);
    expect(folder.code).toBe(1);
    expect(folder.err).toMatch(/is a folder but not a studio project/);
  });
});
