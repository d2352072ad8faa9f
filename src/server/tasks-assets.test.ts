import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTasksAsset } from './tasks-assets';

let server: Server;
function get(path: string): Promise<{ status: number; type?: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (!serveTasksAsset(new URL(req.url ?? '/', 'http://x').pathname, res, {})) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('MediaPipe Tasks assets served by the studio', () => {
  it('serves the Tasks wasm runtime as application/wasm', async () => {
    const r = await get('/mediapipe/wasm/vision_wasm_internal.wasm');
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/wasm');
    expect(r.body.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
  });

  it('serves the hand_landmarker bundle built from the installed models (a zip)', async () => {
    const r = await get('/mediapipe/hand_landmarker_lite.task');
    expect(r.status).toBe(200);
    expect(r.body.readUInt32LE(0)).toBe(0x04034b50);
  });

  it('refuses paths outside its two folders and unknown bundles', async () => {
    for (const p of ['/mediapipe/wasm/../package.json', '/mediapipe/wasm/%2e%2e/package.json', '/mediapipe/hand_landmarker_huge.task', '/mediapipe/wasm/', '/mediapipe/../package.json']) {
      expect((await get(p)).status, p).toBe(404);
    }
  });
});
