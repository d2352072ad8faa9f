import { FilesetResolver, HandLandmarker, type HandLandmarkerResult } from '@mediapipe/tasks-vision';

/**
 * MediaPipe Tasks' HandLandmarker in the page, for the live camera. Its wasm runtime and the
 * hand_landmarker bundle (built from the same @mediapipe/hands models the extraction runs) are served
 * by the studio under /mediapipe/, never from a CDN.
 */
export type Delegate = 'GPU' | 'CPU';

export async function createLiveHands(variant: 'full' | 'lite'): Promise<{ landmarker: HandLandmarker; delegate: Delegate }> {
  const fileset = await FilesetResolver.forVisionTasks('/mediapipe/wasm');
  const options = (delegate: Delegate) => ({
    baseOptions: { modelAssetPath: `/mediapipe/hand_landmarker_${variant}.task`, delegate },
    runningMode: 'VIDEO' as const,
    numHands: 2,
  });
  try {
    return { landmarker: await HandLandmarker.createFromOptions(fileset, options('GPU')), delegate: 'GPU' };
  } catch {
    // No WebGL (a GPU-less machine, or GPU disabled): the CPU runs the same models.
    return { landmarker: await HandLandmarker.createFromOptions(fileset, options('CPU')), delegate: 'CPU' };
  }
}

export const HAND_CONNECTIONS: [number, number][] = HandLandmarker.HAND_CONNECTIONS.map((c) => [c.start, c.end]);

/** Draws the hands' skeletons (normalised coordinates) on a canvas the size of the video. */
export function drawHands(ctx: CanvasRenderingContext2D, result: HandLandmarkerResult): void {
  const { width, height } = ctx.canvas;
  ctx.clearRect(0, 0, width, height);
  result.landmarks.forEach((hand, k) => {
    const right = result.handedness[k]?.[0]?.categoryName === 'Right';
    ctx.strokeStyle = right ? '#2ec27e' : '#3584e4';
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = 3;
    for (const [a, b] of HAND_CONNECTIONS) {
      ctx.beginPath();
      ctx.moveTo(hand[a].x * width, hand[a].y * height);
      ctx.lineTo(hand[b].x * width, hand[b].y * height);
      ctx.stroke();
    }
    for (const p of hand) {
      ctx.beginPath();
      ctx.arc(p.x * width, p.y * height, 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  });
}

/** What to tell the user when the camera cannot be opened. */
export function cameraErrorText(err: unknown): string {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Camera permission was refused. Allow the camera for this page (the camera icon in the address bar, or the system settings), then press Start camera again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found. Connect a camera, then press Start camera again.';
  if (name === 'NotReadableError') return 'The camera is in use by another program or could not be started. Close the other program, then press Start camera again.';
  return `The camera could not be opened: ${err instanceof Error ? err.message : String(err)}`;
}
