import { CancelledError, StudioError, errorMessage } from '../errors';
import type { JobHandlers } from './job-context';
import type { WorkerPort } from './port';
import { FromWorker, ToWorker } from './protocol';

/**
 * The worker side of a job: waits for `start`, runs the handler, streams progress, answers
 * `cancel` by aborting the handler's signal, and ends with exactly one `result` or `error`.
 */
export function runWorker(handlers: JobHandlers, port: WorkerPort): void {
  const exit = (code: number) => void port.drain().then(() => process.exit(code));
  const controller = new AbortController();
  let started = false;
  const send = (m: FromWorker) => port.post(m);
  port.onMessage(async (raw) => {
    const parsed = ToWorker.safeParse(raw);
    if (!parsed.success) {
      send({ type: 'log', message: `ignored an invalid message: ${parsed.error.issues[0]?.message}` });
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'cancel') {
      controller.abort(new CancelledError());
      return;
    }
    if (started) return;
    started = true;
    const handler = handlers[msg.kind];
    if (!handler) {
      send({ type: 'error', code: 'unknown_job', message: `Unknown job kind "${msg.kind}"`, cancelled: false });
      exit(1);
      return;
    }
    try {
      const result = await handler(msg.params, {
        signal: controller.signal,
        progress: (progress) => send({ type: 'progress', progress }),
        log: (message) => send({ type: 'log', message }),
      });
      send({ type: 'result', result: result ?? null });
      exit(0);
    } catch (err) {
      const cancelled = controller.signal.aborted;
      send({
        type: 'error',
        code: cancelled ? 'cancelled' : err instanceof StudioError ? err.code : 'internal',
        message: cancelled ? 'Cancelled' : errorMessage(err),
        cancelled,
      });
      exit(cancelled ? 0 : 1);
    }
  });
}
