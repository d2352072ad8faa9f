export * from './channels';
export * from './client';
export * from './clips';
export * from './events';
export * from './jobs';
export * from './methods';
export * from './project';
