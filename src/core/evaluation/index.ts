export * from './classification-metrics';
export * from './predictions';
export * from './svg-charts';
export * from './evaluate-run';
