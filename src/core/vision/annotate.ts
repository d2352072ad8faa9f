import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { FrameRecord } from '../keypoints/frame-record';
import { HAND_BONES } from '../keypoints/skeleton';
import type { RgbImage } from './rgb-image';

export type Rgb = [number, number, number];

export interface AnnotateColours {
  person: Rgb;
  left: Rgb;
  right: Rgb;
  joint: Rgb;
}

/** Left and right hands in clearly different colours (blue / orange); person boxes green. */
export const DEFAULT_COLOURS: AnnotateColours = {
  person: [46, 204, 64],
  left: [0, 116, 217],
  right: [255, 133, 27],
  joint: [255, 255, 255],
};

/** A copy of `frame` with the record's person boxes and hand skeletons drawn (PIPELINE.md §2.7). */
export function annotateFrame(frame: RgbImage, record: Pick<FrameRecord, 'persons' | 'hands'>, colours = DEFAULT_COLOURS): RgbImage {
  const img: RgbImage = { width: frame.width, height: frame.height, data: new Uint8Array(frame.data) };
  const W = img.width;
  const H = img.height;
  const t = Math.max(2, Math.round(Math.min(W, H) / 240));
  for (const p of record.persons) {
    const [x1, y1, x2, y2] = [p.box[0] * W, p.box[1] * H, p.box[2] * W, p.box[3] * H];
    line(img, x1, y1, x2, y1, t, colours.person);
    line(img, x2, y1, x2, y2, t, colours.person);
    line(img, x2, y2, x1, y2, t, colours.person);
    line(img, x1, y2, x1, y1, t, colours.person);
  }
  for (const h of record.hands) {
    const c = h.handedness === 'Left' ? colours.left : colours.right;
    const pts = h.landmarks.map(([x, y]) => [x * W, y * H] as const);
    for (const [a, b] of HAND_BONES) line(img, pts[a][0], pts[a][1], pts[b][0], pts[b][1], t, c);
    for (const [x, y] of pts) {
      disc(img, x, y, t + 1, c);
      disc(img, x, y, Math.max(1, t - 1), colours.joint);
    }
  }
  return img;
}

function disc(img: RgbImage, cx: number, cy: number, r: number, c: Rgb): void {
  const x0 = Math.max(0, Math.floor(cx - r));
  const x1 = Math.min(img.width - 1, Math.ceil(cx + r));
  const y0 = Math.max(0, Math.floor(cy - r));
  const y1 = Math.min(img.height - 1, Math.ceil(cy + r));
  const r2 = r * r;
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 > r2) continue;
      const p = (y * img.width + x) * 3;
      img.data[p] = c[0];
      img.data[p + 1] = c[1];
      img.data[p + 2] = c[2];
    }
}

/** A thick line as discs stepped along it (fine for a few dozen bones per frame). */
function line(img: RgbImage, x0: number, y0: number, x1: number, y1: number, thickness: number, c: Rgb): void {
  const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / Math.max(1, thickness / 2)));
  for (let i = 0; i <= n; i++) disc(img, x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n, thickness / 2, c);
}

/** PNG bytes of an RGB image. */
export function encodePng(img: RgbImage): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  const src = img.data;
  const dst = png.data;
  for (let i = 0, j = 0; i < src.length; i += 3, j += 4) {
    dst[j] = src[i];
    dst[j + 1] = src[i + 1];
    dst[j + 2] = src[i + 2];
    dst[j + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2 });
}

export function writePng(img: RgbImage, path: string): void {
  writeFileSync(path, encodePng(img));
}
