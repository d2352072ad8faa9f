export * from './extraction-settings';
export * from './extract-folder';
export * from './extract-project';
export * from './run-extraction';
export * from './recover-keypoints';
