import type { Vec3 } from './hand-shape';

/**
 * A small software rasteriser for the demo's signers: round primitives (tapered capsules and
 * ellipsoids) drawn in screen space into a colour and a depth buffer, orthographic camera looking
 * along +z (smaller z = nearer). Each primitive visits only the pixels of its own screen box and
 * finds its front surface there in closed form, so a frame costs about the pixels the figure covers
 * (no ray per pixel through the scene).
 */
export interface Canvas {
  width: number;
  height: number;
  /** RGB, 0-255, 3 floats a pixel: the shaded picture (after shadePixels). */
  color: Float32Array;
  depth: Float32Array;
  /**
   * Deferred shading: drawing records the nearest surface of each pixel (its material, normal and
   * place along a capsule); shadePixels then colours each visible pixel once, however many
   * primitives covered it. Material -1: the colour is already final.
   */
  material: Int16Array;
  normal: Float32Array;
  along: Float32Array;
  materials: Material[];
}

/** What a material is told about the surface point it colours. */
export interface SurfacePoint {
  x: number;
  y: number;
  z: number;
  /** Unit normal, pointing out of the surface (towards the camera: nz < 0). */
  nx: number;
  ny: number;
  nz: number;
  /** Along a capsule: 0 at its start, 1 at its end (0 for ellipsoids). */
  t: number;
}

/** Writes the colour of a visible surface point into `out` (RGB 0-255). */
export type Material = (p: SurfacePoint, out: Float32Array) => void;

export function createCanvas(width: number, height: number): Canvas {
  const n = width * height;
  return {
    width,
    height,
    color: new Float32Array(n * 3),
    depth: new Float32Array(n).fill(Infinity),
    material: new Int16Array(n).fill(-1),
    normal: new Float32Array(n * 3),
    along: new Float32Array(n),
    materials: [],
  };
}

/** Starts a frame from a finished picture (shaded: every pixel's colour final). */
export function copyCanvas(from: Canvas, to: Canvas): void {
  to.color.set(from.color);
  to.depth.set(from.depth);
  to.material.fill(-1);
  to.materials.length = 0;
}

/** A material for the primitives drawn next; its id goes into the pixels they win. */
function materialId(c: Canvas, m: Material): number {
  const i = c.materials.indexOf(m);
  if (i >= 0) return i;
  if (c.materials.length >= 32767) throw new RangeError('too many materials in one frame');
  return c.materials.push(m) - 1;
}

function put(c: Canvas, i: number, z: number, m: number, nx: number, ny: number, nz: number, t: number): void {
  c.depth[i] = z;
  c.material[i] = m;
  c.normal[3 * i] = nx;
  c.normal[3 * i + 1] = ny;
  c.normal[3 * i + 2] = nz;
  c.along[i] = t;
}

const point: SurfacePoint = { x: 0, y: 0, z: 0, nx: 0, ny: 0, nz: -1, t: 0 };
const rgb = new Float32Array(3);

/** Colours every pixel whose nearest surface was drawn since the last copy or shade. */
export function shadePixels(c: Canvas): void {
  const { width: w, material, normal, depth, along, color, materials } = c;
  for (let i = 0; i < material.length; i++) {
    const m = material[i];
    if (m < 0) continue;
    point.x = (i % w) + 0.5;
    point.y = Math.floor(i / w) + 0.5;
    point.z = depth[i];
    point.nx = normal[3 * i];
    point.ny = normal[3 * i + 1];
    point.nz = normal[3 * i + 2];
    point.t = along[i];
    materials[m](point, rgb);
    color[3 * i] = rgb[0];
    color[3 * i + 1] = rgb[1];
    color[3 * i + 2] = rgb[2];
    material[i] = -1;
  }
  materials.length = 0;
}

/**
 * A capsule swept by a sphere from `a` (radius ra) to `b` (radius rb): a phalanx, a forearm. The
 * front surface at a pixel is the nearest of the spheres at the pixel's closest point on the
 * projected axis and at both ends, which is exact for a capsule seen side-on and close for one
 * that points at the camera.
 */
export function drawCapsule(c: Canvas, a: Vec3, b: Vec3, ra: number, rb: number, material: Material): void {
  const r = Math.max(ra, rb);
  const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - r));
  const x1 = Math.min(c.width - 1, Math.ceil(Math.max(a[0], b[0]) + r));
  const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - r));
  const y1 = Math.min(c.height - 1, Math.ceil(Math.max(a[1], b[1]) + r));
  if (x0 > x1 || y0 > y1) return;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const dz = b[2] - a[2];
  const len2 = dx * dx + dy * dy;
  const m = materialId(c, material);
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5;
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      let best = Infinity;
      let bt = 0;
      let bnx = 0;
      let bny = 0;
      let bh = 0;
      let br = 1;
      const tc = len2 > 1e-9 ? Math.min(1, Math.max(0, ((px - a[0]) * dx + (py - a[1]) * dy) / len2)) : 0;
      for (let k = 0; k < 3; k++) {
        const t = k === 0 ? tc : k === 1 ? 0 : 1;
        const cx = a[0] + t * dx;
        const cy = a[1] + t * dy;
        const rr = ra + t * (rb - ra);
        const ox = px - cx;
        const oy = py - cy;
        const q = rr * rr - ox * ox - oy * oy;
        if (q <= 0) continue;
        const h = Math.sqrt(q);
        const z = a[2] + t * dz - h;
        if (z < best) {
          best = z;
          bt = t;
          bnx = ox;
          bny = oy;
          bh = h;
          br = rr;
        }
      }
      if (best === Infinity) continue;
      const i = y * c.width + x;
      if (best >= c.depth[i]) continue;
      put(c, i, best, m, bnx / br, bny / br, -bh / br, bt);
    }
  }
}

/** An ellipsoid centred at `centre` with three orthogonal semi-axes (vectors): the palm's pads, a head, a torso. */
export function drawEllipsoid(c: Canvas, centre: Vec3, axes: readonly [Vec3, Vec3, Vec3], material: Material): void {
  // Rows of the inverse of [a1 a2 a3] (orthogonal columns): a_i / |a_i|^2.
  const inv = axes.map((a) => {
    const n2 = a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
    return [a[0] / n2, a[1] / n2, a[2] / n2];
  });
  const ex = Math.sqrt(axes[0][0] ** 2 + axes[1][0] ** 2 + axes[2][0] ** 2);
  const ey = Math.sqrt(axes[0][1] ** 2 + axes[1][1] ** 2 + axes[2][1] ** 2);
  const x0 = Math.max(0, Math.floor(centre[0] - ex));
  const x1 = Math.min(c.width - 1, Math.ceil(centre[0] + ex));
  const y0 = Math.max(0, Math.floor(centre[1] - ey));
  const y1 = Math.min(c.height - 1, Math.ceil(centre[1] + ey));
  // In the ellipsoid's unit frame a pixel's ray is s = u + z v; |s| = 1 on the surface.
  const v = inv.map((r) => r[2]);
  const vv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
  const m = materialId(c, material);
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5 - centre[1];
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - centre[0];
      const u0 = inv[0][0] * px + inv[0][1] * py;
      const u1 = inv[1][0] * px + inv[1][1] * py;
      const u2 = inv[2][0] * px + inv[2][1] * py;
      const uv = u0 * v[0] + u1 * v[1] + u2 * v[2];
      const uu = u0 * u0 + u1 * u1 + u2 * u2;
      const disc = uv * uv - vv * (uu - 1);
      if (disc <= 0) continue;
      const z = (-uv - Math.sqrt(disc)) / vv;
      const i = y * c.width + x;
      const wz = centre[2] + z;
      if (wz >= c.depth[i]) continue;
      // Normal: the gradient of |A p|^2, A^T (A p).
      const s0 = u0 + z * v[0];
      const s1 = u1 + z * v[1];
      const s2 = u2 + z * v[2];
      let nx = inv[0][0] * s0 + inv[1][0] * s1 + inv[2][0] * s2;
      let ny = inv[0][1] * s0 + inv[1][1] * s1 + inv[2][1] * s2;
      let nz = inv[0][2] * s0 + inv[1][2] * s1 + inv[2][2] * s2;
      const n = Math.hypot(nx, ny, nz) || 1;
      nx /= n;
      ny /= n;
      nz /= n;
      put(c, i, wz, m, nx, ny, nz, 0);
    }
  }
}

/** The value lattice's hash: a number in [-1, 1] for each integer point. */
function latticeValue(i: number, j: number, k: number): number {
  let n = Math.imul(i, 374761393) + Math.imul(j, 668265263) + Math.imul(k, 2147483647);
  n = Math.imul(n ^ (n >>> 13), 1274126177);
  return ((n ^ (n >>> 16)) & 0xffff) / 32767.5 - 1;
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/**
 * A small smooth noise in [-1, 1] of a 3D point (value noise on a unit lattice): skin texture that moves with the skin.
 * Its helpers live at module level: a closure made per call cost a third of a frame's rendering
 * under tsx, which names every function it creates.
 */
export function valueNoise(x: number, y: number, z: number): number {
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  const zi = Math.floor(z);
  const fx = x - xi;
  const fy = y - yi;
  const fz = z - zi;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const sz = fz * fz * (3 - 2 * fz);
  const h = latticeValue;
  const x00 = lerp(h(xi, yi, zi), h(xi + 1, yi, zi), sx);
  const x10 = lerp(h(xi, yi + 1, zi), h(xi + 1, yi + 1, zi), sx);
  const x01 = lerp(h(xi, yi, zi + 1), h(xi + 1, yi, zi + 1), sx);
  const x11 = lerp(h(xi, yi + 1, zi + 1), h(xi + 1, yi + 1, zi + 1), sx);
  return lerp(lerp(x00, x10, sy), lerp(x01, x11, sy), sz);
}

/**
 * The camera's part: a slight blur (the lens and the sensor's softness, a [1 2 1] kernel each way),
 * then sensor noise, then 8-bit pixels. `random` gives uniform numbers in [0, 1).
 */
export function developFrame(c: Canvas, noise: number, random: () => number, out: Uint8Array = new Uint8Array(c.width * c.height * 3)): Uint8Array {
  const { width: w, height: h, color } = c;
  const table = noiseTable();
  const mask = NOISE_TABLE - 1;
  // A fresh stretch of the table each frame (odd stride, so rows do not repeat each other).
  let at = Math.floor(random() * NOISE_TABLE);
  const stride = 1 + 2 * Math.floor(random() * 64);
  if (!blurred || blurred.length !== color.length) blurred = new Float32Array(color.length);
  const tmp = blurred;
  const row3 = 3 * w;
  // Horizontally: [1 2 1] / 4 of each channel, the edge pixels repeated.
  for (let y = 0; y < h; y++) {
    const o = y * row3;
    const last = o + row3 - 3;
    for (let i = o; i < o + 3 && i < last; i++) tmp[i] = 0.25 * (color[i] + color[i + 3]) + 0.5 * color[i];
    for (let i = o + 3; i < last; i++) tmp[i] = 0.25 * (color[i - 3] + color[i + 3]) + 0.5 * color[i];
    for (let i = Math.max(o, last); i < o + row3; i++) tmp[i] = 0.25 * (color[i > o + 2 ? i - 3 : i] + color[i]) + 0.5 * color[i];
  }
  const chroma = 0.35 * noise;
  for (let y = 0; y < h; y++) {
    const up = Math.max(0, y - 1) * row3;
    const row = y * row3;
    const down = Math.min(h - 1, y + 1) * row3;
    for (let x = 0; x < row3; x += 3) {
      // Luminance noise shared by the pixel's channels, plus a little per channel.
      at = (at + stride) & mask;
      const lum = table[at] * noise;
      const r = 0.25 * (tmp[up + x] + tmp[down + x]) + 0.5 * tmp[row + x] + lum + chroma * table[(at + 977) & mask];
      const g = 0.25 * (tmp[up + x + 1] + tmp[down + x + 1]) + 0.5 * tmp[row + x + 1] + lum + chroma * table[(at + 1954) & mask];
      const b = 0.25 * (tmp[up + x + 2] + tmp[down + x + 2]) + 0.5 * tmp[row + x + 2] + lum + chroma * table[(at + 2931) & mask];
      out[row + x] = r <= 0 ? 0 : r >= 255 ? 255 : r + 0.5;
      out[row + x + 1] = g <= 0 ? 0 : g >= 255 ? 255 : g + 0.5;
      out[row + x + 2] = b <= 0 ? 0 : b >= 255 ? 255 : b + 0.5;
    }
  }
  return out;
}

let blurred: Float32Array | null = null;
const NOISE_TABLE = 1 << 16;
let gaussians: Float32Array | null = null;

/** Standard normal numbers, made once (deterministically): the sensor noise is drawn from them. */
function noiseTable(): Float32Array {
  if (gaussians) return gaussians;
  gaussians = new Float32Array(NOISE_TABLE);
  let s = 0x2545f491;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  for (let i = 0; i < NOISE_TABLE; i++) gaussians[i] = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  return gaussians;
}
