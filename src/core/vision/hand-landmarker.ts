import { handModelBytes, type HandModelVariant } from './model-registry';
import { fullWindow, type PixelWindow, type RgbImage } from './rgb-image';
import { projectFromRect, type PixelRect } from './roi';
import { TfliteModel } from './tflite-runtime';
import { MEDIAPIPE_REPLICATE, rectToAffine, warpAffine } from './warp';

const INPUT = 224;
// TensorsToLandmarksCalculator's normalize_z for hands: z is scaled like x, then divided by 0.4.
const NORMALIZE_Z = 0.4;

export interface LandmarkResult {
  /** 21 × [x, y] in frame pixels and z scaled like x (pixels), as MediaPipe projects them. */
  landmarks: [number, number, number][];
  /** 21 × [x, y, z] metres, relative to the hand's centre, rotated back into the frame's axes. */
  worldLandmarks: [number, number, number][];
  /** Hand presence score (the model's hand flag). */
  presence: number;
  /** Raw handedness output: above 0.5 is the person's right hand in a non-mirrored image. */
  handedness: number;
  /** The region the landmarks were read in. */
  rect: PixelRect;
}

/** MediaPipe's HandLandmarkCpu subgraph: rotated 224×224 crop of the hand region, landmark model, projection back. */
export class HandLandmarker {
  private readonly outLandmarks: number;
  private readonly outPresence: number;
  private readonly outHandedness: number;
  private readonly outWorld: number;

  private constructor(private readonly model: TfliteModel) {
    // Outputs, in the model's order: landmarks [1,63], hand flag [1,1], handedness [1,1], world landmarks [1,63].
    const size = (i: number) => model.outputs[i]?.shape.reduce((a, b) => a * b, 1);
    if (model.outputs.length !== 4 || size(0) !== 63 || size(1) !== 1 || size(2) !== 1 || size(3) !== 63) {
      throw new Error('Unexpected hand landmark model outputs');
    }
    this.outLandmarks = 0;
    this.outPresence = 1;
    this.outHandedness = 2;
    this.outWorld = 3;
  }

  static async create(variant: HandModelVariant): Promise<HandLandmarker> {
    return new HandLandmarker(await TfliteModel.create(handModelBytes(`hand_landmark_${variant}`), `hand_landmark_${variant}`));
  }

  /** Runs the model on `rect` (edges replicated beyond `win`, the whole frame by default). */
  run(img: RgbImage, rect: PixelRect, win: PixelWindow = fullWindow(img)): LandmarkResult {
    warpAffine(img, win, rectToAffine(rect, INPUT, INPUT), this.model.input(0), INPUT, INPUT, MEDIAPIPE_REPLICATE);
    this.model.run();
    const presence = this.model.output(this.outPresence)[0];
    const handedness = this.model.output(this.outHandedness)[0];
    const raw = this.model.output(this.outLandmarks);
    const world = this.model.output(this.outWorld);
    const landmarks: [number, number, number][] = [];
    const worldLandmarks: [number, number, number][] = [];
    const c = Math.cos(rect.rotation);
    const s = Math.sin(rect.rotation);
    for (let i = 0; i < 21; i++) {
      const p = projectFromRect(rect, raw[3 * i] / INPUT, raw[3 * i + 1] / INPUT);
      landmarks.push([p.x, p.y, (raw[3 * i + 2] / INPUT / NORMALIZE_Z) * rect.width]);
      const wx = world[3 * i], wy = world[3 * i + 1];
      worldLandmarks.push([c * wx - s * wy, s * wx + c * wy, world[3 * i + 2]]);
    }
    return { landmarks, worldLandmarks, presence, handedness, rect };
  }

  dispose(): void {
    this.model.dispose();
  }
}
