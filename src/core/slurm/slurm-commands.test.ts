import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withEnv } from '../../test-support/fake-binary';
import { fakeSlurm } from '../../test-support/fake-slurm';
import { endedStates, parseSacct, parseScontrolJobs } from './slurm-commands';

// The local test cluster runs without accounting, so only scontrol answers there (src/cli/slurm.test.ts):
// sacct's answers are canned here, in the form `sacct -n -P -X -o JobID,State,ExitCode` prints them.
const tmp = mkdtempSync(join(tmpdir(), 'gstudio-sacct-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SACCT = ['123_1|COMPLETED|0:0', '123_2|FAILED|1:0', '123_3|CANCELLED by 1000|0:15', '123_4|TIMEOUT|0:0', '123_[5-8]|PENDING|0:0', '124|CANCELLED by 1000|0:0', ''].join('\n');

describe('ended jobs from sacct', () => {
  it('reads array tasks, whole jobs and tasks not started yet, with the state alone ("CANCELLED by <uid>" is CANCELLED)', () => {
    expect(parseSacct(SACCT)).toEqual([
      { id: '123_1', arrayTask: 1, state: 'COMPLETED', reason: '', exitCode: '0:0' },
      { id: '123_2', arrayTask: 2, state: 'FAILED', reason: '', exitCode: '1:0' },
      { id: '123_3', arrayTask: 3, state: 'CANCELLED', reason: '', exitCode: '0:15' },
      { id: '123_4', arrayTask: 4, state: 'TIMEOUT', reason: '', exitCode: '0:0' },
      { id: '123_[5-8]', arrayTask: null, state: 'PENDING', reason: '', exitCode: '0:0' },
      { id: '124', arrayTask: null, state: 'CANCELLED', reason: '', exitCode: '0:0' },
    ]);
  });

  it('asks sacct for every job at once, without a header, one line per job or task', async () => {
    const fake = fakeSlurm(join(tmp, 'acct-on'), { sacct: { out: SACCT }, scontrol: { exit: 1 } });
    const states = await withEnv({ PATH: fake.path }, async () => endedStates(['123', '124']));
    expect(states.map((s) => `${s.id} ${s.state}`)).toEqual(['123_1 COMPLETED', '123_2 FAILED', '123_3 CANCELLED', '123_4 TIMEOUT', '123_[5-8] PENDING', '124 CANCELLED']);
    expect(fake.calls()).toEqual(['sacct -n -P -X -j 123,124 -o JobID,State,ExitCode']);
  });

  it('falls back to scontrol, job by job, where accounting is off', async () => {
    const fake = fakeSlurm(join(tmp, 'acct-off'), {
      sacct: { err: 'Slurm accounting storage is disabled\n', exit: 1 },
      scontrol: { out: 'JobId=125 ArrayJobId=123 ArrayTaskId=2 JobName=gstudio-extract JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=1:0\n' },
    });
    const states = await withEnv({ PATH: fake.path }, async () => endedStates(['123']));
    expect(states).toEqual([{ id: '123_2', arrayTask: 2, state: 'FAILED', reason: 'NonZeroExitCode', exitCode: '1:0' }]);
    expect(fake.calls()).toEqual(['sacct -n -P -X -j 123 -o JobID,State,ExitCode', 'scontrol show job -o 123']);
    expect(parseScontrolJobs('JobId=124 JobName=gstudio-merge JobState=CANCELLED Reason=Dependency ExitCode=0:0\n')).toEqual([
      { id: '124', arrayTask: null, state: 'CANCELLED', reason: 'Dependency', exitCode: '0:0' },
    ]);
  });
});
