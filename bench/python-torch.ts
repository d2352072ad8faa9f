import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Debian's python3 (python3-torch, python3-h5py), not a pyenv or venv python3 that comes first on
 * PATH without them. PyTorch gets OpenBLAS's pthread build: with the reference BLAS it is ten times
 * slower and no fair reference (DESIGN.md).
 */
export function torchEnv(): NodeJS.ProcessEnv {
  const openblas = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
  const env = { ...process.env };
  if (existsSync(openblas)) env.LD_LIBRARY_PATH = [openblas, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return env;
}

export function findTorchPython(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import torch, h5py'], { encoding: 'utf8', env: torchEnv() });
    if (r.status === 0) return py;
  }
  return null;
}
