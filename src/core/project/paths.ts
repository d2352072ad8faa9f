import { join } from 'node:path';

/** A project is a folder; these are the files the studio keeps in it. */
export const projectFiles = (dir: string) => ({
  database: join(dir, 'gstudio.sqlite'),
  keypoints: join(dir, 'keypoints.h5'),
  runs: join(dir, 'runs'),
});
