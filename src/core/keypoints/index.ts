export * from './frame-record';
export * from './frame-features';
export * from './sequence';
export * from './skeleton';
export * from './extract-clip';
