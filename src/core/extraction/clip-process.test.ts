import { describe, expect, it } from 'vitest';
import { clipWorkerKind, startClipProcess } from './clip-process';

describe('how extraction workers are started', () => {
  it("forks processes in Node, uses threads inside Electron (where the RunAsNode fuse is off), and takes GSTUDIO_CLIP_WORKERS", () => {
    expect(clipWorkerKind({}, { electron: undefined })).toBe('process');
    expect(clipWorkerKind({}, { electron: '45.4.1' })).toBe('thread');
    expect(clipWorkerKind({ GSTUDIO_CLIP_WORKERS: 'process' }, { electron: '45.4.1' })).toBe('process');
    expect(clipWorkerKind({ GSTUDIO_CLIP_WORKERS: 'thread' }, {})).toBe('thread');
    expect(clipWorkerKind({ GSTUDIO_CLIP_WORKERS: 'fibers' }, {})).toBe('process');
  });

  it('says what to do when a thread is asked to run a TypeScript entry', () => {
    expect(() => startClipProcess('/repo/src/workers/clip-worker.ts', 'thread')).toThrow(/bundled worker entry.*npm run build.*GSTUDIO_CLIP_WORKERS=process/);
  });
});
