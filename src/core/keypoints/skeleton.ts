// The topology is part of the API contract: the UI draws the same bones as the annotated frames.
export { HAND_BONES, HAND_LANDMARK_NAMES } from '../../api/hand-skeleton';
