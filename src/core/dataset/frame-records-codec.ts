import { MAX_HANDS, type FrameRecord, type Handedness, type HandRecord } from '../keypoints/frame-record';
import { DatasetFileError } from '../errors';

/**
 * FrameRecord[] <-> a few flat arrays, the compact form stored per clip under `studio/frames/<name>`.
 * Hands keep their order in the record (row k = hands[k]); numbers are stored as float32 (times as
 * float64), so a round trip returns Math.fround of each landmark and score.
 */
export type StoredArray = Float32Array | Float64Array | Int32Array | Int8Array | Uint8Array;
export interface ShapedArray {
  data: StoredArray;
  shape: number[];
}
export type FrameArrays = Record<string, ShapedArray>;

const LANDMARKS = 21;
const HANDEDNESS_CODE: Record<Handedness, number> = { Left: 0, Right: 1 };
const HANDEDNESS_NAME: Handedness[] = ['Left', 'Right'];

export function encodeFrameRecords(frames: FrameRecord[]): FrameArrays {
  const t = frames.length;
  const index = new Int32Array(t);
  const time = new Float64Array(t);
  const handCount = new Uint8Array(t);
  const handedness = new Int8Array(t * MAX_HANDS).fill(-1);
  const handednessScore = new Float32Array(t * MAX_HANDS);
  const handScore = new Float32Array(t * MAX_HANDS);
  const landmarks = new Float32Array(t * MAX_HANDS * LANDMARKS * 3);
  const personOffsets = new Int32Array(t + 1);
  const totalPersons = frames.reduce((n, f) => n + f.persons.length, 0);
  const personBoxes = new Float32Array(totalPersons * 4);
  const personScores = new Float32Array(totalPersons);
  let p = 0;
  frames.forEach((frame, i) => {
    index[i] = frame.index;
    time[i] = frame.time;
    if (frame.hands.length > MAX_HANDS) {
      throw new RangeError(`frame ${frame.index} has ${frame.hands.length} hands; the store keeps at most ${MAX_HANDS}`);
    }
    handCount[i] = frame.hands.length;
    frame.hands.forEach((hand, h) => {
      const slot = i * MAX_HANDS + h;
      handedness[slot] = HANDEDNESS_CODE[hand.handedness];
      handednessScore[slot] = hand.handednessScore;
      handScore[slot] = hand.score;
      if (hand.landmarks.length !== LANDMARKS) throw new RangeError(`frame ${frame.index}: a hand needs ${LANDMARKS} landmarks, got ${hand.landmarks.length}`);
      hand.landmarks.forEach(([x, y, z], k) => landmarks.set([x, y, z], (slot * LANDMARKS + k) * 3));
    });
    personOffsets[i] = p;
    for (const person of frame.persons) {
      personBoxes.set(person.box, p * 4);
      personScores[p] = person.score;
      p++;
    }
  });
  personOffsets[t] = p;
  return {
    index: { data: index, shape: [t] },
    time: { data: time, shape: [t] },
    hand_count: { data: handCount, shape: [t] },
    handedness: { data: handedness, shape: [t, MAX_HANDS] },
    handedness_score: { data: handednessScore, shape: [t, MAX_HANDS] },
    hand_score: { data: handScore, shape: [t, MAX_HANDS] },
    landmarks: { data: landmarks, shape: [t, MAX_HANDS, LANDMARKS, 3] },
    person_offsets: { data: personOffsets, shape: [t + 1] },
    person_boxes: { data: personBoxes, shape: [totalPersons, 4] },
    person_scores: { data: personScores, shape: [totalPersons] },
  };
}

export function decodeFrameRecords(arrays: Record<string, ArrayLike<number> | undefined>, where = 'frames'): FrameRecord[] {
  const need = (key: string): ArrayLike<number> => {
    const a = arrays[key];
    if (!a) throw new DatasetFileError('layout', where, `per-frame records lack "${key}"; re-run extraction for this clip`);
    return a;
  };
  const index = need('index');
  const time = need('time');
  const handCount = need('hand_count');
  const handedness = need('handedness');
  const handednessScore = need('handedness_score');
  const handScore = need('hand_score');
  const landmarks = need('landmarks');
  const personOffsets = need('person_offsets');
  const personBoxes = need('person_boxes');
  const personScores = need('person_scores');
  const frames: FrameRecord[] = [];
  for (let i = 0; i < index.length; i++) {
    const hands: HandRecord[] = [];
    for (let h = 0; h < handCount[i]; h++) {
      const slot = i * MAX_HANDS + h;
      const base = slot * LANDMARKS * 3;
      const points: [number, number, number][] = [];
      for (let k = 0; k < LANDMARKS; k++) points.push([landmarks[base + k * 3], landmarks[base + k * 3 + 1], landmarks[base + k * 3 + 2]]);
      hands.push({
        handedness: HANDEDNESS_NAME[handedness[slot]] ?? 'Left',
        handednessScore: handednessScore[slot],
        score: handScore[slot],
        landmarks: points,
      });
    }
    const persons = [];
    for (let p = personOffsets[i]; p < personOffsets[i + 1]; p++) {
      persons.push({
        box: [personBoxes[p * 4], personBoxes[p * 4 + 1], personBoxes[p * 4 + 2], personBoxes[p * 4 + 3]] as [number, number, number, number],
        score: personScores[p],
      });
    }
    frames.push({ index: index[i], time: time[i], persons, hands });
  }
  return frames;
}
