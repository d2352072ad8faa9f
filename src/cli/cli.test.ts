import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWriter } from '../core/dataset/sequence-file-writer';
import { writeSyntheticSequences } from '../core/dataset/synthetic-sequences';
import { makeVideoFolder } from '../test-support/make-clips';
import { repoRoot, sharedData } from '../test-support/shared-data';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The real command, as `npx gstudio` runs it, from a folder outside the repository (as a linked or installed `gstudio`). */
function gstudio(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'gstudio.mjs'), ...args], { encoding: 'utf8', timeout: 600_000, cwd: tmp });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('gstudio', () => {
  it('init and import print the classes and counts and leave the SQLite file', () => {
    const videos = makeVideoFolder(join(tmp, 'videos'));
    const project = join(tmp, 'project');
    expect(gstudio('init', project).code).toBe(0);
    const r = gstudio('import', project, videos.root);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^point\s+2\s+2\s+0$/m);
    expect(r.out).toMatch(/^thumbs up\s+2\s+1\s+1$/m);
    expect(r.out).toMatch(/^wave\s+2\s+2\s+0$/m);
    expect(r.out).toMatch(/^  thumbs up\/broken\.mp4: the file looks incomplete, as a truncated download or copy leaves it \(moov atom not found \| Invalid data found when processing input\): copy or download it again$/m);
    expect(r.out).toMatch(/skipped point\/session 1\/notes\.txt: not a video file/);
    // stderr is a pipe here, as in `gstudio import … > log 2>&1`: progress comes as plain lines.
    expect(r.err).toMatch(/^Probing \d\/6 clips \(\d+%\) \| [\d.]+ clips\/s \| left \S+ \| failed \d$/m);
    expect(r.err).toMatch(/^Probing 6\/6 clips \(100%\) \| [\d.]+ clips\/s \| left 0s \| failed 1$/m);
    expect(existsSync(join(project, 'gstudio.sqlite'))).toBe(true);

    // Extraction forks its workers from here too; the generated clips have no hands, and it says so.
    const x = gstudio('extract', project, '--detector', 'none', '--model', 'lite', '--workers', '1', '--frames', '8');
    expect(x.code, x.err).toBe(0);
    expect(x.out).toMatch(/^5 clips extracted, 0 failed, of 5;/m);
    expect(x.out).toMatch(/^5 clip\(s\) had no hand in any frame/m);
    expect(x.out).toMatch(/^  no hands thumbs up\/señal ñandú 手\.mp4$/m);
    expect(x.out).toMatch(/^Project: 5 clips extracted, 0 to extract, 0 failed, 1 unreadable$/m);
    // Other settings than the file's: refused with what differs and what to do.
    const changed = gstudio('extract', project, '--detector', 'none', '--model', 'full', '--workers', '1', '--frames', '8');
    expect(changed.code).toBe(1);
    expect(changed.err).toMatch(/^gstudio: keypoints\.h5 was extracted with other settings \(hand model lite -> full\): extract every clip again/m);
  });

  it('ends with a one-line reason and a non-zero code on an error', () => {
    const r = gstudio('import', join(tmp, 'no-project'), join(tmp, 'videos'));
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^gstudio: No project in .*gstudio init/);
    expect(gstudio('train', join(tmp, 'missing.h5'), '--out', join(tmp, 'run')).err).toMatch(/^gstudio: .*does not exist/m);
    expect(gstudio('frobnicate').code).not.toBe(0);
  });

  it('train finishes the file an interrupted extraction left, and says what a folder is', async () => {
    const data = join(tmp, 'interrupted.h5');
    const clip = (cls: string, i: number) => ({ relativePath: `${cls}/${i}.mp4`, className: cls, sequence: Float32Array.from({ length: 4 * 4 }, (_, k) => (cls === 'a' ? k : -k) + i), shape: [4, 4] as [number, number] });
    const first = await openWriter(data);
    for (let i = 0; i < 6; i++) await first.putClip(clip('a', i));
    await first.close();
    // A second run journaled class b and died: no merge, and its lock names a process that is gone.
    const crashed = await openWriter(data);
    for (let i = 0; i < 6; i++) await crashed.putClip(clip('b', i));
    writeFileSync(join(crashed.journalDir, '.writer.lock'), '999999999');
    const r = gstudio('train', data, '--out', join(tmp, 'run-interrupted'), '--epochs', '1', '--hidden', '4', '--layers', '1', '--val', '0.25', '--test', '0.25');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Note: 6 clip\(s\) that an interrupted extraction finished were merged into /m);
    expect(JSON.parse(readFileSync(join(tmp, 'run-interrupted', 'summary.json'), 'utf8')).dataset).toMatchObject({ clips: 12 });

    expect(gstudio('train', tmp, '--out', join(tmp, 'run-dir')).err).toMatch(/^gstudio: .*: this is a folder, not an HDF5 file$/m);
  });

  it('train mirrors only with --augment --mirror, and says so when --mirror comes alone', async () => {
    const data = join(tmp, 'synthetic.h5');
    await writeSyntheticSequences({ path: data, classes: 2, perClass: 8, seqLen: 4, features: 4 });
    expect(gstudio('train', '--help').out).toMatch(/--mirror <p>.*default 0/s);
    const alone = gstudio('train', data, '--out', join(tmp, 'run-alone'), '--mirror', '1');
    expect(alone.code).toBe(1);
    expect(alone.err).toMatch(/^gstudio: --mirror is part of augmentation: add --augment/);
    const run = join(tmp, 'run-mirror');
    const r = gstudio('train', data, '--out', run, '--epochs', '1', '--hidden', '4', '--layers', '1', '--val', '0.25', '--test', '0.25', '--augment', '--mirror', '1');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')).options).toMatchObject({ augment: true, augmentation: { mirror: 1 } });
  });

  it('annotate names the frames after the input, so that two inputs can share a folder; landmarks of a picture has no frame rate', () => {
    const out = join(tmp, 'annotated');
    const a = gstudio('annotate', sharedData('images', 'thumbs_up.png'), '--out', out, '--detector', 'none');
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(/1 frame written to .*\(thumbs_up_00000\.png\)/);
    const first = readFileSync(join(out, 'thumbs_up_00000.png'));
    const b = gstudio('annotate', sharedData('images', 'gesture_call_1.jpg'), '--out', out, '--detector', 'none');
    expect(b.code, b.err).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['gesture_call_1_00000.png', 'thumbs_up_00000.png']);
    expect(readFileSync(join(out, 'thumbs_up_00000.png')).equals(first)).toBe(true);

    const l = gstudio('landmarks', sharedData('images', 'thumbs_up.png'), '--detector', 'none');
    expect(l.code, l.err).toBe(0);
    expect(l.out).toMatch(/^1\/1 frame with hands, 1920×1280$/m);
    expect(l.out).not.toMatch(/frames\/s/);
  });

  it('writes all of its --json output into a pipe that is read slowly', () => {
    // Over a pipe's 64 KiB buffer, to a reader that takes one byte, then waits: a command that exits
    // as soon as it has written loses what the pipe could not hold yet.
    const cli = [process.execPath, join(repoRoot, 'bin', 'gstudio.mjs'), 'landmarks', sharedData('video', 'hand_test_640x360.mp4'), '--detector', 'none', '--model', 'lite', '--json'];
    const quoted = cli.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = spawnSync('sh', ['-c', `${quoted} | { dd bs=1 count=1 2>/dev/null; sleep 2; cat; }`], { encoding: 'utf8', cwd: tmp, timeout: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(65_536);
    expect((JSON.parse(r.stdout) as { frames: unknown[] }).frames).toHaveLength(202);
  });

  it('names the flag when an extraction option is out of range', () => {
    const r = gstudio('extract', join(tmp, 'videos'), '--out', join(tmp, 'x.h5'), '--frames', '0');
    expect(r.code).toBe(1);
    expect(r.err).toBe('gstudio: --frames must be at least 1\n');
    expect(gstudio('extract', join(tmp, 'videos'), '--out', join(tmp, 'x.h5'), '--workers', '65').err).toBe('gstudio: --workers must be at most 64\n');
  });

  // Seventeen CLI starts of 6-9 s each while the suite's heavy files run beside it (CI saw 157 s).
  it('has --help for every command', { timeout: 400_000 }, () => {
    for (const cmd of ['init', 'import', 'serve', 'extract', 'landmarks', 'annotate', 'train', 'evaluate', 'predict', 'report', 'demo', 'merge', 'export', 'audit', 'parity', 'relink', 'slurm']) {
      const r = gstudio(cmd, '--help');
      expect(r.code, cmd).toBe(0);
      expect(r.out, cmd).toContain(`Usage: gstudio ${cmd}`);
    }
  });

  it('demo runs the main job on built-in data and the synthetic signs are learned (macro F1 above 0.9)', () => {
    const out = join(tmp, 'demo');
    const r = gstudio('demo', '--out', out, '--keypoints-only', '--clips', '30');
    expect(r.code, r.err).toBe(0);
    const f1 = Number(/test macro F1\s+([\d.]+)/.exec(r.out)?.[1]);
    const accuracy = Number(/test accuracy\s+([\d.]+)/.exec(r.out)?.[1]);
    expect(f1).toBeGreaterThan(0.9);
    expect(accuracy).toBeGreaterThan(0.9);
    expect(r.out).toMatch(/held-out clip .*\(held out\): true (\w+), predicted \w+ \([\d.]+%\)/);
    expect(r.out).toMatch(/180 clips of 6 classes/);
    for (const f of ['report.html', 'project/gstudio.sqlite', 'project/keypoints.h5', 'project/runs/001-gru-demo/model/model.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readdirSync(join(out, 'videos'))).toHaveLength(6);
    // Running it again replaces the earlier demo instead of failing.
    expect(gstudio('demo', '--out', out, '--keypoints-only', '--clips', '6', '--classes', '2', '--epochs', '2').code).toBe(0);
    expect(readdirSync(join(out, 'videos'))).toHaveLength(2);
    // Rendering 180 shaded videos takes most of it (about 3 minutes at load 4 on 2 cores).
  }, 420_000);
});
