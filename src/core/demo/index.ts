export * from './generate-demo-dataset';
export * from './demo-signs';
export * from './hand-shape';
export type { Signer } from './signer';
export * from './write-demo-hdf5';
export * from './render-demo-videos';
export * from './rgb-video-encoder';
export * from './demo-project';
