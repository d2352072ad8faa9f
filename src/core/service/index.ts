export * from './byte-range';
export * from './media-file';
export * from './studio-service';
export * from './clip-thumbnail';
