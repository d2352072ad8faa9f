import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath } from '../video/binaries';
import type { RgbImage } from '../vision/rgb-image';
import { writePng } from '../vision/annotate';

/** A TrueType font ffmpeg's drawtext can use: the system's usual sans fonts, or GSTUDIO_FONT. */
export function findFont(): string | null {
  const candidates = [
    process.env.GSTUDIO_FONT,
    '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
    '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
    '/usr/share/fonts/TTF/DejaVuSans.ttf',
    '/Library/Fonts/Arial.ttf',
    '/System/Library/Fonts/Supplemental/Arial.ttf',
    'C:\\Windows\\Fonts\\arial.ttf',
  ];
  return candidates.find((c): c is string => Boolean(c) && existsSync(c!)) ?? null;
}

/**
 * Writes frames as PNG files named by `fileName(index)`, with a caption drawn on each when a font is
 * found (ffmpeg drawtext); otherwise without it. Returns whether the caption could be drawn.
 */
export async function writeCaptionedFrames(
  frames: { index: number; image: RgbImage }[],
  dir: string,
  caption: string,
  fileName: (index: number) => string,
): Promise<{ files: string[]; captioned: boolean }> {
  if (frames.length === 0) return { files: [], captioned: false };
  const font = findFont();
  const name = (i: number) => join(dir, fileName(i));
  const { width, height } = frames[0].image;
  if (!font || frames.some((f) => f.image.width !== width || f.image.height !== height)) {
    for (const f of frames) writePng(f.image, name(f.index));
    return { files: frames.map((f) => name(f.index)), captioned: false };
  }
  const work = mkdtempSync(join(tmpdir(), 'gstudio-caption-'));
  try {
    // The caption travels in a file: no escaping rules of the filter syntax to get wrong.
    const textFile = join(work, 'caption.txt');
    writeFileSync(textFile, caption);
    const size = Math.max(14, Math.round(height / 18));
    const filter = `drawtext=fontfile='${font.replace(/\\/g, '/').replace(/:/g, '\\:')}':textfile='${textFile}':expansion=none:fontcolor=white:fontsize=${size}:box=1:boxcolor=black@0.6:boxborderw=${Math.round(size / 3)}:x=${size / 2}:y=${size / 2}`;
    const ff = spawn(ffmpegPath(), ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', '-', '-vf', filter, join(work, 'out_%05d.png')], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    ff.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<number | null>((r) => ff.on('close', r));
    for (const f of frames) {
      if (!ff.stdin.write(f.image.data)) await new Promise((r) => ff.stdin.once('drain', r));
    }
    ff.stdin.end();
    if ((await done) !== 0) throw new Error(`ffmpeg could not caption the frames: ${stderr.split('\n')[0]}`);
    const outs = readdirSync(work).filter((f) => f.startsWith('out_')).sort();
    outs.forEach((o, i) => renameSync(join(work, o), name(frames[i].index)));
    return { files: frames.map((f) => name(f.index)), captioned: true };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
