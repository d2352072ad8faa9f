import cliProgress from 'cli-progress';
import type { JobProgress } from '../api';

function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export interface JobProgressDisplay {
  update(p: JobProgress): void;
  stop(): void;
}

/** Seconds between two progress lines when the output is not a terminal: GSTUDIO_PROGRESS_SECONDS, 5 by default. */
export function progressLineInterval(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.GSTUDIO_PROGRESS_SECONDS);
  return env.GSTUDIO_PROGRESS_SECONDS !== undefined && env.GSTUDIO_PROGRESS_SECONDS !== '' && Number.isFinite(v) && v >= 0 ? v : 5;
}

/** The rates of a progress: `1.25 clips/s | 61.3 frames/s`, or that they are still being measured. */
export function progressRates(p: JobProgress, rateUnit: string): string {
  const parts: string[] = [];
  if (p.rate !== undefined) parts.push(`${p.rate.toFixed(2)} ${rateUnit}/s`);
  if (p.workRate !== undefined && p.workUnit) parts.push(`${p.workRate.toFixed(1)} ${p.workUnit}/s`);
  else if (p.framesPerSecond !== undefined && p.framesPerSecond > 0) parts.push(`${p.framesPerSecond.toFixed(1)} frames/s`);
  // A stage that has ended (training's last step predicts every clip) has no rate left to measure.
  if (!parts.length) return p.total > 0 && p.done >= p.total ? 'finishing' : 'measuring the rate';
  return parts.join(' | ');
}

/**
 * One plain progress line: `Extracting 12/40 clips (30%) | 1.25 clips/s | 61.3 frames/s | left 22s | failed 0`;
 * before there is a total, what the job is doing (`Training: loading the keypoints`).
 */
export function progressLine(label: string, unit: string, p: JobProgress, rateUnit = unit): string {
  if (p.total === 0) return `${label}: ${p.message ?? 'starting'}`;
  const share = p.fraction ?? p.done / p.total;
  const parts = [`${label} ${p.done}/${p.total} ${unit} (${Math.floor(100 * share)}%)`, progressRates(p, rateUnit)];
  if (p.etaSeconds !== undefined) parts.push(`left ${duration(p.etaSeconds)}`);
  parts.push(`failed ${p.failed ?? 0}`);
  return parts.join(' | ');
}

/**
 * Progress for logs (batch jobs, SLURM, `> log 2>&1`), where a redrawn bar prints nothing: a plain
 * line at the first update, then at most one every `intervalSeconds`, and the last state at the end.
 */
function progressLines(label: string, unit: string, rateUnit: string, stream: NodeJS.WritableStream, intervalSeconds: number): JobProgressDisplay {
  let latest: JobProgress | null = null;
  let printed: string | null = null;
  let lastAt = -Infinity;
  const print = () => {
    if (!latest) return;
    const line = progressLine(label, unit, latest, rateUnit);
    if (line === printed) return;
    stream.write(`${line}\n`);
    printed = line;
    lastAt = performance.now();
  };
  return {
    update(p) {
      latest = p;
      if (performance.now() - lastAt >= intervalSeconds * 1000) print();
    },
    stop() {
      print(); // the final state, unless that very line was the last one printed
      latest = null;
    },
  };
}

/**
 * Progress of a job on stderr: done / total, rate, time left, failures. A bar on a terminal; plain
 * lines every few seconds when stderr is a file or a pipe (cli-progress alone prints nothing there).
 */
export function jobProgressBar(
  label: string,
  unit: string,
  opts: { rateUnit?: string; stream?: NodeJS.WritableStream & { isTTY?: boolean }; intervalSeconds?: number } = {},
): JobProgressDisplay {
  const stream = opts.stream ?? process.stderr;
  const rateUnit = opts.rateUnit ?? unit;
  if (!stream.isTTY) return progressLines(label, unit, rateUnit, stream, opts.intervalSeconds ?? progressLineInterval());
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} ${unit} | {rates} | left {eta_text} | failed {failed}`,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 28,
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: JobProgress) {
      if (p.total === 0) return; // a bar needs a total; the plain lines say what the job is doing
      const payload = { rates: progressRates(p, rateUnit), eta_text: duration(p.etaSeconds), failed: p.failed ?? 0 };
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
