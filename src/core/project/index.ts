export * from './project-store';
export * from './paths';
export { SCHEMA_VERSION, migrations, migrate } from './migrations';
export { openDatabase } from './database';
