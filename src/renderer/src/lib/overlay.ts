import { HAND_BONES, type FrameRecordData } from '../../../api';

export const COLOURS = { Left: '#1f8fff', Right: '#ff7a1a', person: '#2ecc40' } as const;

export interface OverlayOptions {
  boxes: boolean;
  skeletons: boolean;
  numbers: boolean;
}

/** The rectangle the video picture occupies inside its element (object-fit: contain). */
export function contentRect(video: HTMLVideoElement): { x: number; y: number; w: number; h: number } {
  const ew = video.clientWidth;
  const eh = video.clientHeight;
  const vw = video.videoWidth || ew;
  const vh = video.videoHeight || eh;
  const scale = Math.min(ew / vw, eh / vh);
  const w = vw * scale;
  const h = vh * scale;
  return { x: (ew - w) / 2, y: (eh - h) / 2, w, h };
}

/** Index of the record shown at `time`: the last frame whose timestamp is not after it. */
export function frameAt(frames: readonly FrameRecordData[], time: number): number {
  let lo = 0;
  let hi = frames.length - 1;
  if (hi < 0) return -1;
  // Half a millisecond of slack: media times and container timestamps round differently.
  const t = time + 5e-4;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (frames[mid].time <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Draws one frame's person boxes and hand skeletons, in canvas pixels over the picture. */
export function drawOverlay(ctx: CanvasRenderingContext2D, rect: { x: number; y: number; w: number; h: number }, record: FrameRecordData, opts: OverlayOptions): void {
  const px = (x: number) => rect.x + x * rect.w;
  const py = (y: number) => rect.y + y * rect.h;
  ctx.lineWidth = 2;
  if (opts.boxes) {
    ctx.strokeStyle = COLOURS.person;
    ctx.fillStyle = COLOURS.person;
    ctx.font = '12px system-ui, sans-serif';
    for (const p of record.persons) {
      const [x1, y1, x2, y2] = p.box;
      ctx.strokeRect(px(x1), py(y1), px(x2) - px(x1), py(y2) - py(y1));
      ctx.fillText(`person ${p.score.toFixed(2)}`, px(x1) + 3, py(y1) + 13);
    }
  }
  for (const hand of record.hands) {
    const colour = COLOURS[hand.handedness];
    const pts = hand.landmarks.map(([x, y]) => [px(x), py(y)] as const);
    if (opts.skeletons) {
      ctx.strokeStyle = colour;
      ctx.beginPath();
      for (const [a, b] of HAND_BONES) {
        ctx.moveTo(pts[a][0], pts[a][1]);
        ctx.lineTo(pts[b][0], pts[b][1]);
      }
      ctx.stroke();
      ctx.fillStyle = colour;
      for (const [x, y] of pts) {
        ctx.beginPath();
        ctx.arc(x, y, 3.5, 0, Math.PI * 2);
        ctx.fill();
      }
    }
    if (opts.numbers) {
      ctx.fillStyle = '#fff';
      ctx.font = '10px system-ui, sans-serif';
      pts.forEach(([x, y], i) => ctx.fillText(String(i), x + 4, y - 4));
    }
  }
}
