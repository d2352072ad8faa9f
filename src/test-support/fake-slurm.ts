import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Stand-ins for SLURM's client commands, for tests of what the studio makes of their output: each
 * prints its canned text (or fails with `exit`) and appends its arguments to `calls`. Use with
 * `withEnv({ PATH: fake.path })`.
 */
export function fakeSlurm(dir: string, commands: Record<string, { out?: string; err?: string; exit?: number }>) {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const calls = join(dir, 'calls.txt');
  writeFileSync(calls, '');
  for (const [name, c] of Object.entries(commands)) {
    writeFileSync(join(bin, `${name}.out`), c.out ?? '');
    writeFileSync(join(bin, `${name}.err`), c.err ?? '');
    writeFileSync(
      join(bin, name),
      `#!/bin/sh\necho "${name} $*" >> '${calls}'\ncat '${join(bin, `${name}.out`)}'\ncat '${join(bin, `${name}.err`)}' >&2\nexit ${c.exit ?? 0}\n`,
    );
    chmodSync(join(bin, name), 0o755);
  }
  return {
    path: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    calls: () => readFileSync(calls, 'utf8').split('\n').filter(Boolean),
  };
}
