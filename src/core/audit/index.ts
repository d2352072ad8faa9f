export * from './confident-learning';
export * from './stratified-folds';
export * from './audit-keypoints';
export * from './audit-project';
