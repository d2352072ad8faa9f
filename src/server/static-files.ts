import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

/** Serves the built renderer; any path outside its folder is refused. Returns false when not found. */
export function serveStatic(root: string, urlPath: string, res: ServerResponse, headers: Record<string, string>): boolean {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
  } catch {
    return false;
  }
  let file = normalize(join(root, rel));
  if (!file.startsWith(root + sep)) return false;
  // A link inside the built folder that leads out of it is refused too; a file a build removes
  // between these checks and the read is answered as missing or cut short, never ends the server.
  let size: number;
  try {
    const realRoot = realpathSync(root);
    file = realpathSync(file);
    const st = statSync(file);
    if (!file.startsWith(realRoot + sep) || !st.isFile()) return false;
    size = st.size;
  } catch {
    return false;
  }
  const stream = createReadStream(file);
  stream.on('error', (err) => {
    console.error(`[gstudio] cannot read ${file}: ${err.message}`);
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The studio could not read this file of its UI: run "npm run build" again');
    else res.destroy();
  });
  res.on('close', () => stream.destroy());
  // Headers go out with the first bytes, so that a file unreadable from the start gets a 500.
  stream.once('data', () => {
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
    });
  });
  stream.once('end', () => {
    if (!res.headersSent) res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': String(size) });
  });
  stream.pipe(res);
  return true;
}
