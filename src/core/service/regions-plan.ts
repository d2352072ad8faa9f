import type { ExtractionStatus } from '../../api';
import { resolveDetectorModel } from '../vision/model-registry';

/** What the next extraction will use for the hand-search regions, from what is on disk now (nothing is downloaded here). */
export function regionsPlan(detector: 'yolox' | 'none', env: NodeJS.ProcessEnv = process.env): NonNullable<ExtractionStatus['regions']> {
  if (detector === 'none') return { detector, modelFound: false, text: 'the whole frame (no person detector chosen)' };
  let found = false;
  try {
    found = resolveDetectorModel('yolox_nano', { env }) !== null;
  } catch {
    found = false;
  }
  return {
    detector,
    modelFound: found,
    text: found
      ? 'YOLOX-nano person boxes (the model is on this machine)'
      : 'YOLOX-nano person boxes once downloaded: the model is not on this machine yet, so the extraction first downloads it; if that fails it uses the whole frame and says so when it starts',
  };
}
