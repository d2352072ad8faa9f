import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalSlurmStartError, missingSlurmPrograms, slurmNotInstalled, startLocalSlurm } from './local-slurm';

const tmp = mkdtempSync(join(tmpdir(), 'gstudio-local-slurm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Stand-ins for SLURM's programs: installed, but munged fails as a broken start would, and logs why. */
function brokenSlurm(): string {
  const bin = join(tmp, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const name of ['slurmctld', 'slurmd', 'sbatch']) writeFileSync(join(bin, name), '#!/bin/sh\nexit 1\n');
  writeFileSync(
    join(bin, 'munged'),
    '#!/bin/sh\nfor a in "$@"; do case "$a" in --log-file=*) echo "munged: Error: Failed to bind socket (stand-in)" > "${a#--log-file=}";; esac; done\n' +
      'echo "munged: Error: stand-in failure" >&2\nexit 1\n',
  );
  for (const name of ['munged', 'slurmctld', 'slurmd', 'sbatch']) chmodSync(join(bin, name), 0o755);
  return bin;
}

describe('the local SLURM cluster of the tests', () => {
  it('is "not installed" only when its programs are missing, and the reason says which and how to install', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(missingSlurmPrograms(empty)).toEqual(['munged', 'slurmctld', 'slurmd', 'sbatch']);
    expect(slurmNotInstalled(empty)).toMatch(/^SLURM is not installed here \(munged, slurmctld, slurmd, sbatch not found on PATH\): apt-get install slurm-wlm munge/);
    expect(slurmNotInstalled(brokenSlurm())).toBeNull();
  });

  it('that is installed but does not start is an error carrying the script output and the daemon logs, not a skip', () => {
    const path = `${brokenSlurm()}${delimiter}${process.env.PATH}`;
    const dir = join(tmp, 'cluster');
    const env = { ...process.env, PATH: path, SLURM_CONF: join(dir, 'slurm.conf') };
    let err: unknown;
    try {
      startLocalSlurm(dir, env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LocalSlurmStartError);
    const message = (err as Error).message;
    expect(message).toMatch(/^SLURM is installed but scripts\/slurm-local\.sh start exited with \d+/);
    // As root the stand-in munged fails; as another user the script refuses before it.
    if (process.getuid?.() === 0) {
      expect(message).toContain('munged: Error: stand-in failure');
      expect(message).toMatch(/--- munged\.log \(last 30 lines\) ---\nmunged: Error: Failed to bind socket \(stand-in\)/);
    } else {
      expect(message).toContain('slurmd must start as root');
    }
  });
});
