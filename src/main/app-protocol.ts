import { protocol } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { appHeaders } from './content-security';
import { APP_SCHEME } from './own-page';
import { TASKS_ASSET_PREFIX, tasksAssetPath } from '../core/vision/tasks-asset-path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.task': 'application/octet-stream',
  '.woff2': 'font/woff2',
};

const refuse = (status: number, text: string) => new Response(text, { status, headers: appHeaders('text/plain; charset=utf-8') });

/** `gstudio-app://app/<file>`: the built renderer's files and nothing else, with the CSP header. */
export function handleAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppFile(rendererDir, request));
}

export async function serveAppFile(rendererDir: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Only GET');
  const url = new URL(request.url);
  if (url.host !== 'app') return refuse(404, 'Not found');
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return refuse(400, 'Bad path');
  }
  if (rel === '/') rel = '/index.html';
  if (rel.includes('\0') || rel.split('/').includes('..')) return refuse(400, 'Bad path');
  try {
    // MediaPipe Tasks' runtime and hand bundles for the Capture view, from the studio, never a CDN.
    const tasksFile = rel.startsWith(TASKS_ASSET_PREFIX) ? tasksAssetPath(url.pathname) : null;
    if (rel.startsWith(TASKS_ASSET_PREFIX) && tasksFile === null) return refuse(404, 'Not found');
    // Paths only (no realpath): inside a packaged app the folder is in app.asar, and it holds our build.
    const root = resolve(rendererDir);
    const file = tasksFile ?? resolve(root, '.' + rel);
    if ((!tasksFile && !file.startsWith(root + sep)) || !(await stat(file)).isFile()) return refuse(404, 'Not found');
    const body = request.method === 'HEAD' ? null : await readFile(file);
    return new Response(body, { status: 200, headers: appHeaders(TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream') });
  } catch {
    return refuse(404, 'Not found');
  }
}
