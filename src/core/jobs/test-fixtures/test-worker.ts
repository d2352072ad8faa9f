// A worker with jobs that exercise the protocol: counting with progress, a crash, a stubborn job.
import { setTimeout as sleep } from 'node:timers/promises';
import { currentProcessPort } from '../port';
import { runWorker } from '../worker-runtime';

runWorker(
  {
    count: async (params, ctx) => {
      const { n, delayMs } = params as { n: number; delayMs: number };
      for (let i = 1; i <= n; i++) {
        await sleep(delayMs, undefined, { signal: ctx.signal });
        ctx.progress({ done: i, total: n });
      }
      return { counted: n, pid: process.pid };
    },
    crash: async (_params, ctx) => {
      ctx.progress({ done: 1, total: 10 });
      await sleep(20);
      process.exit(3);
    },
    stubborn: async () => {
      // Ignores cancel: the runner must kill it after the grace period.
      await sleep(60_000);
      return null;
    },
    fail: async () => {
      throw new Error('the input was bad');
    },
  },
  currentProcessPort(),
);
