import { createHash } from 'node:crypto';

/**
 * The dataset name of a clip inside `sequences/`: a readable slug of its relative path plus a short
 * hash of that path. The reference used `class_clip_ext`, which collides (`a/b_c.mp4` vs `a_b/c.mp4`);
 * the hash makes names unique, and depends only on the relative path so it is stable across runs.
 */
export function normaliseRelativePath(relativePath: string): string {
  return relativePath
    .normalize('NFC')
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

export function clipDatasetName(relativePath: string): string {
  const rel = normaliseRelativePath(relativePath);
  const hash = createHash('sha1').update(rel, 'utf8').digest('hex').slice(0, 10);
  const slug = rel
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9.-]+/g, '_')
    .replace(/^[_.]+|_+$/g, '')
    .slice(0, 80);
  return `${slug || 'clip'}_${hash}`;
}
