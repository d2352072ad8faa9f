import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from './static-files';

let tmp: string;
let server: Server;
let port: number;
let roots: Record<string, string>;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-static-'));
  mkdirSync(join(tmp, 'ui'));
  writeFileSync(join(tmp, 'ui', 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(join(tmp, 'ui', 'empty.js'), '');
  writeFileSync(join(tmp, 'outside.txt'), 'not part of the UI');
  symlinkSync(join(tmp, 'outside.txt'), join(tmp, 'ui', 'leak.js'));
  // /proc/self/mem is a regular file that stat accepts and every read of refuses (EIO).
  roots = { ui: join(tmp, 'ui'), proc: '/proc/self' };
  server = createServer((req, res) => {
    const [, root, ...rest] = (req.url ?? '/').split('/');
    if (!serveStatic(roots[root!]!, `/${rest.join('/')}`, res, { 'X-Test': '1' })) res.writeHead(404).end('Not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`).then(async (r) => ({ status: r.status, body: await r.text(), test: r.headers.get('x-test') }));

describe('serveStatic', () => {
  it('serves the built files with the given headers', async () => {
    expect(await get('/ui/')).toEqual({ status: 200, body: '<!doctype html><title>studio</title>', test: '1' });
    expect(await get('/ui/empty.js')).toEqual({ status: 200, body: '', test: '1' });
  });

  it('answers a file that cannot be read with a 500 and goes on serving', async () => {
    const res = await get('/proc/mem');
    expect(res.status).toBe(500);
    expect(res.body).toMatch(/could not read/);
    expect((await get('/ui/')).status).toBe(200);
  });

  it('refuses a link that leads out of the folder, and missing files', async () => {
    expect((await get('/ui/leak.js')).status).toBe(404);
    expect((await get('/ui/gone.js')).status).toBe(404);
  });
});
