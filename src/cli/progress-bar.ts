import cliProgress from 'cli-progress';
import type { JobProgress } from '../api';

function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A terminal progress bar for a job: done / total, rate, time left, failures. */
export function jobProgressBar(label: string, unit: string) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} ${unit} | {rate}/s{extra} | left {eta_text} | failed {failed}`,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 28,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: JobProgress) {
      const extra = p.framesPerSecond !== undefined ? ` | ${p.framesPerSecond.toFixed(1)} frames/s` : '';
      const payload = { rate: (p.rate ?? 0).toFixed(2), eta_text: duration(p.etaSeconds), failed: p.failed ?? 0, extra };
      if (!started) {
        bar.start(p.total, p.done, payload);
        started = true;
      } else {
        bar.setTotal(p.total);
        bar.update(p.done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
