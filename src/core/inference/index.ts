export * from './caption-frames';
export * from './predict-video';
export * from './annotate-video';
export * from './project-predictions';
