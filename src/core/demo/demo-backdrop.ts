import type { PersonBox } from '../keypoints/frame-record';
import type { RgbImage } from '../vision/rgb-image';

const TOP = [34, 38, 46];
const BOTTOM = [18, 20, 26];
const BODY = [58, 64, 76];

function put(img: RgbImage, x: number, y: number, c: readonly number[]): void {
  const p = (y * img.width + x) * 3;
  img.data[p] = c[0];
  img.data[p + 1] = c[1];
  img.data[p + 2] = c[2];
}

/**
 * The still background of a demo clip: a dark gradient and a flat silhouette (head and torso)
 * inside the signer's person box, so the drawn skeletons read as someone signing. Drawn once per
 * clip; the skeletons are drawn over it frame by frame.
 */
export function demoBackdrop(width: number, height: number, person: PersonBox | undefined): RgbImage {
  const img: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let y = 0; y < height; y++) {
    const k = y / Math.max(1, height - 1);
    const c = TOP.map((v, i) => Math.round(v + (BOTTOM[i] - v) * k));
    for (let x = 0; x < width; x++) put(img, x, y, c);
  }
  if (!person) return img;
  const [x1, y1, x2, y2] = [person.box[0] * width, person.box[1] * height, person.box[2] * width, person.box[3] * height];
  const w = x2 - x1;
  const h = y2 - y1;
  const cx = (x1 + x2) / 2;
  // Head: an ellipse in the top fifth of the box; torso: shoulders down, rounded at the top corners.
  const headR = Math.min(w * 0.16, h * 0.1);
  const headCy = y1 + headR * 1.2;
  const shoulders = y1 + h * 0.3;
  const half = w * 0.36;
  const corner = w * 0.12;
  for (let y = Math.max(0, Math.floor(y1)); y < Math.min(height, Math.ceil(y2)); y++) {
    for (let x = Math.max(0, Math.floor(x1)); x < Math.min(width, Math.ceil(x2)); x++) {
      const head = ((x - cx) / headR) ** 2 + ((y - headCy) / (headR * 1.25)) ** 2 <= 1;
      let torso = y >= shoulders && Math.abs(x - cx) <= half;
      if (torso && y < shoulders + corner) {
        const ex = Math.abs(x - cx) - (half - corner);
        if (ex > 0) torso = ex * ex + (shoulders + corner - y) ** 2 <= corner * corner;
      }
      if (head || torso) put(img, x, y, BODY);
    }
  }
  return img;
}
