import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeExecArgv } from '../jobs/node-exec-argv';
import { replaceAtomically } from './atomic-file';

const tmp = mkdtempSync(join(tmpdir(), 'gstudio-atomic-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const module = join(__dirname, 'atomic-file.ts');

describe('temporary files of a writer killed with kill -9', () => {
  it('are removed by the next write of the same file; live and recent ones are kept', async () => {
    const target = join(tmp, 'keypoints.h5');
    writeFileSync(target, 'old');
    // A real merge in another process, killed while its temporary file is half written.
    const code = `import(${JSON.stringify(module)}).then((m) => m.replaceAtomically(${JSON.stringify(target)}, (t) => { require('node:fs').writeFileSync(t, 'x'.repeat(1 << 20)); console.log('writing'); return new Promise(() => {}); }))`;
    const writer = spawn(process.execPath, [...nodeExecArgv(module), '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => writer.stdout.on('data', (d) => String(d).includes('writing') && r()));
    writer.kill('SIGKILL');
    await new Promise((r) => writer.on('exit', r));
    const left = readdirSync(tmp).filter((n) => n.startsWith('.keypoints.h5.tmp-'));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(new RegExp(`^\\.keypoints\\.h5\\.tmp-${writer.pid}-`));
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(join(tmp, left[0]!), old, old);
    // A writer that is alive (this process's parent) and a fresh file of a dead one stay.
    const live = `.keypoints.h5.tmp-${process.ppid}-a-b`;
    const fresh = `.keypoints.h5.tmp-${writer.pid}-fresh-c`;
    writeFileSync(join(tmp, live), 'busy');
    utimesSync(join(tmp, live), old, old);
    writeFileSync(join(tmp, fresh), 'maybe another machine');

    await replaceAtomically(target, (t) => writeFileSync(t, 'new'));
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(existsSync(join(tmp, left[0]!))).toBe(false);
    expect(readdirSync(tmp).filter((n) => n.startsWith('.keypoints.h5.tmp-')).sort()).toEqual([fresh, live].sort());
  });
});
