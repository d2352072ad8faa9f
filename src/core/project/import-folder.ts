import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ImportReport } from '../../api';
import { ProjectError } from '../errors';
import type { ProjectStore } from './project-store';
import { scanVideoFolder } from './scan-videos';

/**
 * Records the clips of a video folder in the project (probing comes after, as a job). A project
 * has one video root; importing it again picks up new, changed and removed files.
 */
export async function importVideoFolder(store: ProjectStore, videoRoot: string): Promise<ImportReport> {
  const root = resolve(videoRoot);
  const current = store.info().videoRoot;
  if (current && current !== root && store.listClips({ limit: 1 }).total > 0) {
    throw new ProjectError(`This project's clips come from ${current}; create another project for ${root}`);
  }
  const scan = await scanVideoFolder(root);
  store.setVideoRoot(root);
  const counts = store.syncClips(scan.clips);
  return { videoRoot: root, classes: scan.classes, ...counts, skipped: scan.skipped, duplicates: findDuplicates(root, scan.clips) };
}

/**
 * Clips with the same bytes (a file copied into two folders): only files of the same size are
 * hashed, so a folder of distinct clips costs one stat each (already done by the scan).
 */
export function findDuplicates(root: string, clips: { relPath: string; className: string; sizeBytes: number }[]): ImportReport['duplicates'] {
  const bySize = new Map<number, typeof clips>();
  for (const c of clips) bySize.set(c.sizeBytes, [...(bySize.get(c.sizeBytes) ?? []), c]);
  const groups: ImportReport['duplicates'] = [];
  for (const same of bySize.values()) {
    if (same.length < 2) continue;
    const byHash = new Map<string, typeof clips>();
    for (const c of same) {
      let hash: string;
      try {
        hash = createHash('sha256').update(readFileSync(join(root, c.relPath))).digest('hex');
      } catch {
        continue; // unreadable now: the probe reports it
      }
      byHash.set(hash, [...(byHash.get(hash) ?? []), c]);
    }
    for (const g of byHash.values()) {
      if (g.length > 1) groups.push({ paths: g.map((c) => c.relPath).sort(), classes: [...new Set(g.map((c) => c.className))].sort() });
    }
  }
  return groups.sort((a, b) => a.paths[0].localeCompare(b.paths[0]));
}
