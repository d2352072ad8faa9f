import { LOW_CONFIDENCE, type ClipReview } from '../../../api';

/** What each review filter of the Clips view keeps, said next to the filter. */
export const reviewFilterHelp: Record<ClipReview, string> = {
  misclassified: 'Clips the active run predicts as another class than their label.',
  low_confidence: `Clips whose predicted class has a probability below ${Math.round(100 * LOW_CONFIDENCE)}%: the model is unsure.`,
  no_hands: 'Extracted clips in which no frame has a hand: their sequences are all zeros.',
  mislabelled: 'Clips the latest label audit flags: models that never saw them confidently predict another class (review them in Evaluation: Enter accepts the suggestion, K keeps the label).',
};
