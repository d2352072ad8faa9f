import { describe, expect, it } from 'vitest';
import { legacyResumeKey, resumeKey, trainingOptionsSchema } from './training-options';

const at = (root: string, data = `${root}/keypoints.h5`) =>
  trainingOptionsSchema.parse({ dataPath: data, runDir: `${root}/audits/a1/fold-2`, splitPath: `${root}/audits/a1/fold-2/audit-split.json`, epochs: 5 });

describe('the resume key of a run', () => {
  it('is the same after the project holding the run and its data moved, so the run resumes there', () => {
    expect(resumeKey(at('/mnt/a/project'))).toBe(resumeKey(at('/cluster/home/u/project')));
    expect(JSON.parse(resumeKey(at('/mnt/a/project')))).toMatchObject({ dataPath: '../../../keypoints.h5', splitPath: 'audit-split.json' });
  });

  it('differs when the data is another file, or the settings differ; how the math runs does not count', () => {
    expect(resumeKey(at('/p', '/p/other.h5'))).not.toBe(resumeKey(at('/p')));
    expect(resumeKey({ ...at('/p'), lr: 0.5 })).not.toBe(resumeKey(at('/p')));
    expect(resumeKey({ ...at('/p'), kernels: 'tfjs-ops', threads: 1, epochs: 50 })).toBe(resumeKey(at('/p')));
  });

  it('as older builds wrote it (absolute paths) is still known where the run was made', () => {
    expect(JSON.parse(legacyResumeKey(at('/p')))).toMatchObject({ dataPath: '/p/keypoints.h5', splitPath: '/p/audits/a1/fold-2/audit-split.json' });
  });
});
