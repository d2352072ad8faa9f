import { StudioError, clipFailureReason, errorMessage } from '../errors';
import type { WorkerPort } from '../jobs/port';
import { extractClip } from '../keypoints/extract-clip';
import { createHandPipeline, type HandPipeline } from '../vision/hand-pipeline';
import { ExtractionSettings, pipelineOptions } from './extraction-settings';
import { FromClipWorker, ToClipWorker } from './pool-protocol';

/**
 * One process of the extraction pool: loads the models once, then extracts the clips it is sent,
 * one at a time, reporting frames as it goes.
 */
export function runClipWorker(port: WorkerPort): void {
  let pipeline: HandPipeline | null = null;
  let settings: ExtractionSettings | null = null;
  const send = (m: FromClipWorker) => port.post(m);
  // Clips arrive one at a time, but a message can come while the models load: keep order.
  let queue = Promise.resolve();
  port.onMessage((raw) => {
    const parsed = ToClipWorker.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    queue = queue.then(() => handle(msg));
  });

  async function handle(msg: ToClipWorker) {
    if (msg.type === 'init') {
      try {
        settings = ExtractionSettings.parse(msg.settings);
        pipeline = await createHandPipeline(pipelineOptions(settings));
        send({ type: 'ready', detectorWarning: pipeline.detectorStatus.warning });
      } catch (err) {
        send({ type: 'init-error', message: errorMessage(err) });
      }
      return;
    }
    if (!pipeline || !settings) {
      send({ type: 'error', id: msg.id, code: 'not_ready', message: 'The extraction worker has no models loaded' });
      return;
    }
    try {
      let last = 0;
      const extraction = await extractClip(msg.path, { pipeline, maxSide: settings.maxSide || undefined }, (_rec, p) => {
        // A few progress messages per second are plenty for the UI.
        const now = Date.now();
        if (now - last > 250) {
          last = now;
          send({ type: 'frames', id: msg.id, done: p.done, total: p.total });
        }
      });
      send({ type: 'result', id: msg.id, extraction });
    } catch (err) {
      send({ type: 'error', id: msg.id, code: err instanceof StudioError ? err.code : 'internal', message: clipFailureReason(err) });
    }
  }
}
