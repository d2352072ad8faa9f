export * from './project-store';
export * from './paths';
export * from './import-folder';
export * from './scan-videos';
export { SCHEMA_VERSION, migrations, migrate } from './migrations';
export { openDatabase } from './database';
export * from './relink';
export * from './audit-store';
