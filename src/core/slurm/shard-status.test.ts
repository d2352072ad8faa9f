import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendShardLog } from '../extraction/shard-log';
import { partFileFor } from '../extraction/shard';
import { withEnv } from '../../test-support/fake-binary';
import { fakeSlurm } from '../../test-support/fake-slurm';
import { clusterStatus } from './shard-status';
import { slurmFiles } from './submission';

const tmp = mkdtempSync(join(tmpdir(), 'gstudio-shard-status-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('gstudio slurm status where accounting is on', () => {
  it('shows each shard from sacct for ended tasks and squeue for live ones, and the part logs', async () => {
    const project = join(tmp, 'project');
    mkdirSync(slurmFiles(project).dir, { recursive: true });
    // Array 123 of 5 shards and its merge 124; shard 3 failed and was resubmitted alone as 130.
    writeFileSync(slurmFiles(project).record, JSON.stringify({ shards: 5, arrayJob: '123', mergeJob: '124', submittedAt: '2026-01-01T00:00:00Z', resubmitted: { '3': '130' } }));
    const part = (i: number) => partFileFor(join(project, 'keypoints.h5'), { index: i, count: 5 });
    appendShardLog(part(1), { kind: 'start', shard: { index: 1, count: 5 }, clips: ['a/1.mp4'], at: '', host: 'n1', pid: 1 });
    appendShardLog(part(1), { kind: 'done', rel: 'a/1.mp4', name: 'a__1', handsFraction: 1 });
    appendShardLog(part(1), { kind: 'end', at: '', extracted: 1, failed: 0 });
    // Shard 4 started and was killed at its time limit: its log never ended.
    appendShardLog(part(4), { kind: 'start', shard: { index: 4, count: 5 }, clips: ['b/2.mp4'], at: '', host: 'n2', pid: 2 });
    const fake = fakeSlurm(join(tmp, 'slurm'), {
      squeue: { out: '130_3|RUNNING|None\n' },
      sacct: { out: ['123_1|COMPLETED|0:0', '123_2|FAILED|1:0', '123_3|CANCELLED by 1000|0:15', '123_4|TIMEOUT|0:0', '123_5|PENDING|0:0', '124|PENDING|0:0', ''].join('\n') },
    });
    const s = await withEnv({ PATH: fake.path }, () => clusterStatus(project));
    expect(s!.shards.map((x) => [x.shard, x.phase, x.job, x.slurm])).toEqual([
      [1, 'done', '123_1', 'COMPLETED'],
      [2, 'failed', '123_2', 'FAILED'],
      [3, 'running', '130_3', 'RUNNING'],
      [4, 'failed', '123_4', 'TIMEOUT'],
      [5, 'pending', '123_5', 'PENDING'],
    ]);
    expect(s!.shards[0]).toMatchObject({ clips: 1, extracted: 1, failed: 0 });
    expect(s!.merge).toEqual({ job: '124', slurm: 'PENDING' });
    // The live resubmitted job is not asked of sacct.
    expect(fake.calls()).toEqual(['squeue -h -r -j 123,130,124 -o %i|%T|%r', 'sacct -n -P -X -j 123,124 -o JobID,State,ExitCode']);
  });
});
