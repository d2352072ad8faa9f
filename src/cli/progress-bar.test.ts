import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressPace } from './in-process-job';
import { jobProgressBar, progressLineInterval } from './progress-bar';

function pipe() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += d));
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

describe('progress without a terminal', () => {
  it('prints plain lines: the first update, then at most one per interval, and the end', () => {
    const out = pipe();
    const bar = jobProgressBar('Extracting', 'clips', { stream: out.stream, intervalSeconds: 3600 });
    bar.update({ done: 0, total: 40 });
    for (let i = 1; i <= 39; i++) bar.update({ done: i, total: 40, rate: 2, etaSeconds: (40 - i) / 2, failed: 1 });
    bar.update({ done: 40, total: 40, rate: 2, etaSeconds: 0, failed: 1, framesPerSecond: 61.25 });
    bar.stop();
    expect(out.lines()).toEqual([
      'Extracting 0/40 clips (0%) | measuring the rate | failed 0',
      'Extracting 40/40 clips (100%) | 2.00 clips/s | 61.3 frames/s | left 0s | failed 1',
    ]);
  });

  it('prints every change with a zero interval, never the same line twice, and names the rate unit', () => {
    const out = pipe();
    const bar = jobProgressBar('Training', 'batches', { stream: out.stream, intervalSeconds: 0, rateUnit: 'samples' });
    bar.update({ done: 1, total: 3, rate: 320, etaSeconds: 90 });
    bar.update({ done: 1, total: 3, rate: 320, etaSeconds: 90 });
    bar.update({ done: 2, total: 3, rate: 300, etaSeconds: 65 });
    bar.stop();
    expect(out.lines()).toEqual([
      'Training 1/3 batches (33%) | 320.00 samples/s | left 1m30s | failed 0',
      'Training 2/3 batches (66%) | 300.00 samples/s | left 1m05s | failed 0',
    ]);
  });

  it('does not claim to measure a rate once the work is done', () => {
    const out = pipe();
    const bar = jobProgressBar('Training', 'batches', { stream: out.stream, intervalSeconds: 0 });
    bar.update({ done: 244, total: 244, message: 'Predicting every clip with the best model' });
    bar.stop();
    expect(out.lines()).toEqual(['Training 244/244 batches (100%) | finishing | failed 0']);
  });

  it('says what a job does before it has a total, and both rates of training once measured', () => {
    const out = pipe();
    const bar = jobProgressBar('Training', 'batches', { stream: out.stream, intervalSeconds: 0 });
    bar.update({ done: 0, total: 0, message: 'Syncing labels and loading the keypoints' });
    bar.update({ done: 31, total: 720, fraction: 0.05, rate: 5.2, workRate: 166.4, workUnit: 'samples', etaSeconds: 130 });
    bar.stop();
    expect(out.lines()).toEqual([
      'Training: Syncing labels and loading the keypoints',
      'Training 31/720 batches (5%) | 5.20 batches/s | 166.4 samples/s | left 2m10s | failed 0',
    ]);
  });

  it('takes the interval from GSTUDIO_PROGRESS_SECONDS, 5 s otherwise', () => {
    expect(progressLineInterval({})).toBe(5);
    expect(progressLineInterval({ GSTUDIO_PROGRESS_SECONDS: '60' })).toBe(60);
    expect(progressLineInterval({ GSTUDIO_PROGRESS_SECONDS: 'often' })).toBe(5);
  });

  it('measures rate and time left for work that reports only done / total, from its first report', () => {
    let now = 0;
    const pace = progressPace(() => now);
    expect(pace({ done: 40, total: 100 })).toEqual({ done: 40, total: 100 });
    now = 10;
    expect(pace({ done: 60, total: 100 })).toEqual({ done: 60, total: 100, rate: 2, etaSeconds: 20 });
    expect(pace({ done: 60, total: 100, rate: 7 })).toMatchObject({ rate: 7, etaSeconds: 20 });
  });
});
