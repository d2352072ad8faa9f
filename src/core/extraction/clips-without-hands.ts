import { readSequenceFile, readStoredClipFrames } from '../dataset/sequence-file-reader';

/**
 * Of the clips `names` ({dataset name: relative path}) already in a keypoint file, those in which no
 * frame had a hand: an all-zero sequence first (cheap), then the clip's per-frame records to tell
 * "no hand at all" from "no hand inside the stored window".
 */
export async function clipsWithoutHands(file: string, names: Map<string, string>): Promise<string[]> {
  if (names.size === 0) return [];
  const zero = (await readSequenceFile(file)).clips.filter((c) => names.has(c.key) && c.data.every((v) => v === 0));
  const out: string[] = [];
  for (const c of zero) {
    const { frames } = await readStoredClipFrames(file, c.key);
    if (!frames || frames.every((f) => f.hands.length === 0)) out.push(names.get(c.key)!);
  }
  return out;
}
