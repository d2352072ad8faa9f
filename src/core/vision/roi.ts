/**
 * Hand regions of interest, following MediaPipe's calculators (DetectionsToRects,
 * RectTransformation, HandLandmarksToRect). MediaPipe states them in coordinates normalised to
 * the image; here they are in pixels, which is the same geometry without the back-and-forth and
 * lets one frame hold regions of several person boxes.
 */
export interface PixelRect {
  /** Centre in image pixels: x = normalised x × width, as MediaPipe converts (pixel i is sampled at i). */
  cx: number;
  cy: number;
  width: number;
  height: number;
  /** Radians, clockwise on screen (y down), as MediaPipe's NormalizedRect.rotation. */
  rotation: number;
}

export interface Point {
  x: number;
  y: number;
}

export function normalizeRadians(a: number): number {
  return a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
}

/** MediaPipe: rotation that turns the vector start -> end to point up (target angle 90°). */
export function rotationFromVector(start: Point, end: Point, targetAngle = Math.PI / 2): number {
  return normalizeRadians(targetAngle - Math.atan2(-(end.y - start.y), end.x - start.x));
}

export interface RectTransform {
  scaleX: number;
  scaleY: number;
  shiftX: number;
  shiftY: number;
  squareLong: boolean;
}

/**
 * Palm -> hand region rotation target. MediaPipe Tasks' HandDetectorGraph sets it with
 * `set_rotation_vector_target_angle(90)`, a field in radians (the legacy graph used
 * `rotation_vector_target_angle_degrees: 90`): 90 rad, i.e. 116.6°, so Tasks turns every palm
 * region 26.6° past upright. Its expected landmarks come from that region: with π/2 here,
 * thumbs_up.png was 0.0176 off them (full model), with 90 rad 0.0028, as Tasks itself.
 */
export const PALM_TARGET_ANGLE = 90;

/** Palm detection -> hand region: MediaPipe's palm_detection_detection_to_roi. */
export const PALM_TO_HAND: RectTransform = { scaleX: 2.6, scaleY: 2.6, shiftX: 0, shiftY: -0.5, squareLong: true };
/** Landmarks -> next frame's region: MediaPipe's hand_landmark_landmarks_to_roi. */
export const LANDMARKS_TO_HAND: RectTransform = { scaleX: 2.0, scaleY: 2.0, shiftX: 0, shiftY: -0.1, squareLong: true };

/** RectTransformationCalculator: shift along the rect's own (rotated) axes, square on the long side, scale. */
export function transformRect(r: PixelRect, t: RectTransform): PixelRect {
  const c = Math.cos(r.rotation);
  const s = Math.sin(r.rotation);
  const dx = r.width * t.shiftX;
  const dy = r.height * t.shiftY;
  let w = r.width;
  let h = r.height;
  if (t.squareLong) w = h = Math.max(w, h);
  return {
    cx: r.cx + dx * c - dy * s,
    cy: r.cy + dx * s + dy * c,
    width: w * t.scaleX,
    height: h * t.scaleY,
    rotation: r.rotation,
  };
}

/** Palm box (pixels) + keypoints -> rotated hand region. Keypoint 0 is the wrist, 2 the middle-finger MCP. */
export function palmToHandRect(box: { xMin: number; yMin: number; xMax: number; yMax: number }, keypoints: Point[]): PixelRect {
  const raw: PixelRect = {
    cx: (box.xMin + box.xMax) / 2,
    cy: (box.yMin + box.yMax) / 2,
    width: box.xMax - box.xMin,
    height: box.yMax - box.yMin,
    rotation: rotationFromVector(keypoints[0], keypoints[2], PALM_TARGET_ANGLE),
  };
  return transformRect(raw, PALM_TO_HAND);
}

// Wrist and the MCP/PIP joints of the five fingers: steadier than fingertips for tracking.
const STABLE_LANDMARKS = [0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18];

/** HandLandmarksToRectCalculator on the stable subset, then expanded for the next frame. Landmarks in pixels. */
export function landmarksToHandRect(landmarks: Point[]): PixelRect {
  const pts = STABLE_LANDMARKS.map((i) => landmarks[i]);
  // In the subset: 0 wrist, 4 index MCP, 6 middle MCP, 8 ring MCP.
  const x1 = ((pts[4].x + pts[8].x) / 2 + pts[6].x) / 2;
  const y1 = ((pts[4].y + pts[8].y) / 2 + pts[6].y) / 2;
  const rotation = rotationFromVector(pts[0], { x: x1, y: y1 });
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of pts) {
    minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
  }
  const acx = (minX + maxX) / 2;
  const acy = (minY + maxY) / 2;
  // Bounds in the hand's own frame (rotated back by -rotation).
  const c = Math.cos(-rotation);
  const s = Math.sin(-rotation);
  let pminX = Infinity, pminY = Infinity, pmaxX = -Infinity, pmaxY = -Infinity;
  for (const p of pts) {
    const ox = p.x - acx;
    const oy = p.y - acy;
    const px = ox * c - oy * s;
    const py = ox * s + oy * c;
    pminX = Math.min(pminX, px); pmaxX = Math.max(pmaxX, px);
    pminY = Math.min(pminY, py); pmaxY = Math.max(pmaxY, py);
  }
  const pcx = (pminX + pmaxX) / 2;
  const pcy = (pminY + pmaxY) / 2;
  const cr = Math.cos(rotation);
  const sr = Math.sin(rotation);
  const raw: PixelRect = {
    cx: pcx * cr - pcy * sr + acx,
    cy: pcx * sr + pcy * cr + acy,
    width: pmaxX - pminX,
    height: pmaxY - pminY,
    rotation,
  };
  return transformRect(raw, LANDMARKS_TO_HAND);
}

/** Maps a point given in the rect's unit square ([0, 1]², as the landmark model outputs) to image pixels. */
export function projectFromRect(r: PixelRect, u: number, v: number): Point {
  const x = (u - 0.5) * r.width;
  const y = (v - 0.5) * r.height;
  const c = Math.cos(r.rotation);
  const s = Math.sin(r.rotation);
  return { x: r.cx + x * c - y * s, y: r.cy + x * s + y * c };
}

/** Axis-aligned IoU ignoring rotation, as MediaPipe's AssociationNormRectCalculator compares regions. */
export function rectIou(a: PixelRect, b: PixelRect): number {
  const ax0 = a.cx - a.width / 2, ax1 = a.cx + a.width / 2, ay0 = a.cy - a.height / 2, ay1 = a.cy + a.height / 2;
  const bx0 = b.cx - b.width / 2, bx1 = b.cx + b.width / 2, by0 = b.cy - b.height / 2, by1 = b.cy + b.height / 2;
  const iw = Math.min(ax1, bx1) - Math.max(ax0, bx0);
  const ih = Math.min(ay1, by1) - Math.max(ay0, by0);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / (a.width * a.height + b.width * b.height - inter);
}
