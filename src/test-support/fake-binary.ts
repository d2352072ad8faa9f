import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A program that answers `-version` like an ffmpeg (or ffprobe) of `year`, and otherwise runs the shell `body`. */
export function fakeBinary(dir: string, name: string, year: number, body = 'exit 1'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nif [ "$1" = "-version" ]; then echo "${name} version 9.9-test Copyright (c) 2000-${year} the FFmpeg developers"; exit 0; fi\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Runs `work` with environment variables set, then puts them back as they were. */
export async function withEnv<T>(vars: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await work();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
