import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { repoRoot } from './shared-data';

// The one-node cluster of scripts/slurm-local.sh, for the tests of `gstudio slurm`. A test may skip
// only where SLURM is not installed at all; a cluster that is installed and does not start (not root,
// a port in use, a bug in the script) is a failure to be seen, with the script's logs.

/** What scripts/slurm-local.sh runs (Debian: slurm-wlm, slurmd, slurm-client, munge). */
export const SLURM_PROGRAMS = ['munged', 'slurmctld', 'slurmd', 'sbatch'] as const;

const script = join(repoRoot, 'scripts', 'slurm-local.sh');

/** The programs of SLURM_PROGRAMS not found on `path`, looked up as the script's `command -v` does. */
export function missingSlurmPrograms(path = process.env.PATH ?? ''): string[] {
  const dirs = path.split(delimiter).filter(Boolean);
  return SLURM_PROGRAMS.filter((name) => !dirs.some((dir) => isExecutable(join(dir, name))));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The skip reason where SLURM is missing, else null. */
export function slurmNotInstalled(path = process.env.PATH ?? ''): string | null {
  const missing = missingSlurmPrograms(path);
  if (missing.length === 0) return null;
  return `SLURM is not installed here (${missing.join(', ')} not found on PATH): apt-get install slurm-wlm munge to run it`;
}

/** The cluster did not start although SLURM is installed; the message carries the script's output and logs. */
export class LocalSlurmStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalSlurmStartError';
  }
}

/** Starts the cluster in `dir` (`SLURM_CONF` in `env` must be `dir/slurm.conf`); throws LocalSlurmStartError when it does not come up. */
export function startLocalSlurm(dir: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): void {
  const r = spawnSync('bash', [script, 'start', dir], { encoding: 'utf8', env, timeout: timeoutMs });
  if (r.status === 0) return;
  const how = r.error ? `did not finish (${r.error.message})` : r.signal ? `was killed by ${r.signal}` : `exited with ${r.status}`;
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() || '(no output)';
  throw new LocalSlurmStartError(
    `SLURM is installed but scripts/slurm-local.sh start ${how}: fix the cluster start (root, ports, the script) rather than skipping.\n` +
      `--- its output ---\n${output}\n${clusterLogs(dir)}`,
  );
}

export function stopLocalSlurm(dir: string, env: NodeJS.ProcessEnv): void {
  spawnSync('bash', [script, 'stop', dir], { env, timeout: 60_000 });
}

/** The last lines of the daemons' logs under dir/log (munged, slurmctld, slurmd). */
function clusterLogs(dir: string, lines = 30): string {
  const logDir = join(dir, 'log');
  if (!existsSync(logDir)) return `(no logs: ${logDir} was not made)`;
  const parts = readdirSync(logDir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => `--- ${f} (last ${lines} lines) ---\n${readFileSync(join(logDir, f), 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`);
  return parts.join('\n') || `(no logs in ${logDir})`;
}
