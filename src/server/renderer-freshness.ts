import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The folders the built renderer is made from. */
const RENDERER_SOURCES = ['src/renderer', 'src/api'];

function newestFile(dir: string): { path: string; mtimeMs: number } | null {
  let best: { path: string; mtimeMs: number } | null = null;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    const found = e.isDirectory() ? newestFile(full) : e.isFile() ? { path: full, mtimeMs: statSync(full).mtimeMs } : null;
    if (found && (!best || found.mtimeMs > best.mtimeMs)) best = found;
  }
  return best;
}

/**
 * In a source checkout, the newest renderer or API source file changed after the built renderer
 * (`<builtDir>/index.html`) was written, relative to `root`; null when the build is current, when
 * there is no build, or when the sources are not there (an installed copy).
 */
export function staleRendererSource(root: string, builtDir: string): string | null {
  const index = statSync(join(builtDir, 'index.html'), { throwIfNoEntry: false });
  if (!index) return null;
  let newest: { path: string; mtimeMs: number } | null = null;
  for (const dir of RENDERER_SOURCES) {
    const found = newestFile(join(root, dir));
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest && newest.mtimeMs > index.mtimeMs ? relative(root, newest.path).split('\\').join('/') : null;
}
