// The contract only; the browser clients (connect, web-client, ipc-client) are imported by path
// so that Node code never pulls in DOM globals.
export * from './channels';
export * from './client';
export * from './classes';
export * from './clips';
export * from './events';
export * from './extraction';
export * from './hand-skeleton';
export * from './keypoints';
export * from './jobs';
export * from './methods';
export * from './predictions';
export * from './folder-predictions';
export * from './recorded-settings';
export * from './project';
export * from './runs';
export * from './audit';
