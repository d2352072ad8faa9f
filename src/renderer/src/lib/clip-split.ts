import type { ClipSplit } from '../../../api';

/** A clip's part of the active run's split, in words ('none': the run did not use it). */
export function splitText(split: ClipSplit | undefined | null): string {
  switch (split) {
    case 'train':
      return 'train';
    case 'val':
      return 'validation';
    case 'test':
      return 'test';
    default:
      return 'not in run';
  }
}
