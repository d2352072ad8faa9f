import { CancelledError, StudioError, errorMessage } from '../errors';
import type { WorkerPort } from '../jobs/port';
import type { DemoClip } from './generate-demo-dataset';
import { FromRenderWorker, ToRenderWorker } from './render-protocol';
import { renderDemoClip } from './render-demo-videos';

/**
 * One process of the demo's render pool: draws the clips it is sent, one at a time, each into its
 * own ffmpeg encoder, and says when each video is complete.
 */
export function runRenderWorker(port: WorkerPort): void {
  const send = (m: FromRenderWorker) => port.post(m);
  let current: AbortController | null = null;
  let queue = Promise.resolve();
  port.onMessage((raw) => {
    const parsed = ToRenderWorker.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === 'cancel') {
      current?.abort();
      return;
    }
    queue = queue.then(async () => {
      const stop = new AbortController();
      current = stop;
      try {
        const frames = await renderDemoClip(msg.clip as DemoClip, msg.path, stop.signal);
        send({ type: 'done', id: msg.id, frames });
      } catch (err) {
        if (err instanceof CancelledError) send({ type: 'cancelled', id: msg.id });
        else send({ type: 'error', id: msg.id, code: err instanceof StudioError ? err.code : 'internal', message: errorMessage(err) });
      } finally {
        current = null;
      }
    });
  });
}
