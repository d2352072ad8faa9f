import { createHandPipeline } from '../vision/hand-pipeline';
import type { HandModelVariant } from '../vision/model-registry';
import { decodeVideo } from '../video/decode';
import type { HandRecord } from '../keypoints/frame-record';
import { compareFrame, handRegion, pairHands, type FrameComparison } from './compare-hands';
import { rgbToRgba, TasksHandLandmarker, type TasksHand } from './tasks-chromium';

export interface ParityOptions {
  model?: HandModelVariant;
  /** Node pipeline options that are the subject of fidelity work. */
  newHandInterval?: number;
  smoothHandedness?: boolean;
  /** Stop after this many frames (the first ones). */
  maxFrames?: number;
  onFrame?: (index: number) => void;
  signal?: AbortSignal;
}

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Where the two differ on the worst frame. Tasks' API does not expose its palm detections, so only the regions and landmarks are compared. */
export interface WorstFrameDetail {
  frame: number;
  node: { handedness: string; region: { cx: number; cy: number; width: number; height: number; rotation: number } }[];
  tasks: { handedness: string; region: { cx: number; cy: number; width: number; height: number; rotation: number } }[];
  /** Per landmark distance of the worst pair (normalised). */
  landmarkDistances: number[];
  worstLandmark: number;
}

export interface ParityReport {
  video: string;
  model: HandModelVariant;
  frames: number;
  hands_agree: number;
  mean_distance: number;
  worst_frame: number;
  worst_distance: number;
  /** Largest single-landmark distance over the whole video. */
  worst_point: number;
  node_frames_with_hands: number;
  tasks_frames_with_hands: number;
  worst: WorstFrameDetail | null;
}

/**
 * MediaPipe Tasks (in Chromium) and the Node pipeline, with tracking, on the same decoded frames of
 * one video (or picture).
 */
export async function runParity(video: string, opts: ParityOptions = {}): Promise<ParityReport> {
  const model = opts.model ?? 'full';
  const tasks = await TasksHandLandmarker.create(model);
  const pipe = await createHandPipeline({ model, tracking: true, detector: 'none', newHandInterval: opts.newHandInterval, smoothHandedness: opts.smoothHandedness });
  const rows: FrameComparison[] = [];
  let width = 0;
  let height = 0;
  let worst: { i: number; node: HandRecord[]; tasks: TasksHand[] } | null = null;
  let worstDistance = -1;
  let lastTs = -1;
  try {
    for await (const f of decodeVideo(video, { signal: opts.signal })) {
      width = f.width;
      height = f.height;
      const ts = Math.max(lastTs + 1, Math.round(f.time * 1000));
      lastTs = ts;
      // Chromium works in its own process: Tasks' frame is sent first, the Node pipeline runs meanwhile.
      const pending = tasks.detect({ width: f.width, height: f.height, rgba: rgbToRgba(f.data, f.width, f.height), timestampMs: ts });
      const [node, tk] = await Promise.all([pipe.processFrame(f), pending]);
      const c = compareFrame(node.hands, tk);
      rows.push(c);
      const d = Math.max(-1, ...c.pairDistances);
      if (d > worstDistance) {
        worstDistance = d;
        worst = { i: rows.length - 1, node: node.hands, tasks: tk };
      }
      opts.onFrame?.(rows.length - 1);
      if (opts.maxFrames && rows.length >= opts.maxFrames) break;
    }
  } finally {
    await Promise.all([tasks.dispose(), pipe.dispose()]);
  }
  const matched = rows.filter((r) => r.pairDistances.length);
  const all = matched.flatMap((r) => r.pairDistances);
  let detail: WorstFrameDetail | null = null;
  if (worst) {
    const region = (h: { handedness: string; landmarks: [number, number, number][] }) => {
      const r = handRegion(h, width, height);
      return { handedness: h.handedness, region: { cx: r6(r.cx), cy: r6(r.cy), width: r6(r.width), height: r6(r.height), rotation: r6(r.rotation) } };
    };
    const [pn, pt] = pairHands(worst.node, worst.tasks).sort(
      (a, b) => compareFrame([b[0]], [b[1]]).pairDistances[0] - compareFrame([a[0]], [a[1]]).pairDistances[0],
    )[0];
    const ld = pn.landmarks.map((p, k) => r6(Math.hypot(p[0] - pt.landmarks[k][0], p[1] - pt.landmarks[k][1])));
    detail = { frame: worst.i, node: worst.node.map(region), tasks: worst.tasks.map(region), landmarkDistances: ld, worstLandmark: ld.indexOf(Math.max(...ld)) };
  }
  return {
    video,
    model,
    frames: rows.length,
    hands_agree: r6(rows.filter((r) => r.agree).length / Math.max(1, rows.length)),
    mean_distance: r6(all.reduce((s, v) => s + v, 0) / Math.max(1, all.length)),
    worst_frame: worst ? worst.i : -1,
    worst_distance: r6(Math.max(0, worstDistance)),
    worst_point: r6(Math.max(0, ...rows.map((r) => r.worstPoint))),
    node_frames_with_hands: rows.filter((r) => r.nodeHands > 0).length,
    tasks_frames_with_hands: rows.filter((r) => r.tasksHands > 0).length,
    worst: detail,
  };
}
