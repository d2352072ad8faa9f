/** Packed RGB pixels, 3 bytes per pixel, no row padding (what video/decode.ts yields). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An axis-aligned pixel window [x0, x1) × [y0, y1) of an image: the whole frame or a person region. */
export interface PixelWindow {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function fullWindow(img: { width: number; height: number }): PixelWindow {
  return { x0: 0, y0: 0, x1: img.width, y1: img.height };
}
