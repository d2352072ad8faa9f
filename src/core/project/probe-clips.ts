import { join } from 'node:path';
import type { JobContext } from '../jobs/job-context';
import { ProgressMeter } from '../jobs/progress-meter';
import { clipFailureReason } from '../errors';
import { probeClip } from '../video/probe';
import { ProjectStore } from './project-store';

export interface ProbeResult {
  probed: number;
  failed: number;
}

/** ffprobe is a process per clip, mostly waiting on I/O: a few at once keep two cores busy. */
const CONCURRENCY = 4;

/**
 * Probes every clip still 'pending'. Each result is committed as it comes, so a crash or cancel
 * loses nothing and the next run continues with what is left.
 */
export async function probePendingClips(projectDir: string, ctx: JobContext): Promise<ProbeResult> {
  const store = ProjectStore.open(projectDir);
  try {
    const root = store.videoRoot();
    const pending = store.clipIdsWithStatus('pending');
    const meter = new ProgressMeter(pending.length, ctx.progress);
    meter.report('Probing clips', true);
    let next = 0;
    const worker = async () => {
      while (next < pending.length) {
        ctx.signal.throwIfAborted();
        const clip = pending[next++];
        try {
          const info = await probeClip(join(root, clip.relPath), ctx.signal);
          store.setProbeResult(clip.id, info);
          meter.tick(clip.relPath);
        } catch (err) {
          ctx.signal.throwIfAborted();
          store.setProbeFailure(clip.id, clipFailureReason(err));
          meter.tick(clip.relPath, { failed: true });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pending.length) }, worker));
    meter.report('Done', true);
    return { probed: meter.done - meter.failed, failed: meter.failed };
  } finally {
    store.close();
  }
}
