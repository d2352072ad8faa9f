// Web mode as an attacker meets it, in real Chromium against the real `gstudio serve`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, rawWebSocket, wsFrame } from '../src/server/test-support/raw-client';
import { screenshot } from './support/browser';
import { openStudio, type Studio } from './support/studio';

let studio: Studio;
let other: Server;
let otherPort: number;
const cookiesSeenElsewhere: string[] = [];

beforeAll(async () => {
  studio = await openStudio();
  // Another local server, as any dev server on this machine: it records the cookies it is sent.
  other = createServer((req, res) => {
    cookiesSeenElsewhere.push(req.headers.cookie ?? '');
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>some other local page</title>');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherPort = (other.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => other?.close(r));
  await studio?.close();
});

describe('web mode in Chromium', () => {
  it('opens on the per-launch host under localhost, trades the token for a cookie of that host, and shows the ffmpeg it decodes with', async () => {
    const { page, server } = studio;
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Open a project' }).waitFor();
    const at = new URL(page.url());
    expect(at.hostname).toMatch(/^gs-[0-9a-f]{16}\.localhost$/);
    expect(at.search).toBe('');
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => [c.name, c.domain, c.httpOnly, c.sameSite])).toEqual([['gstudio_session', at.hostname, true, 'Strict']]);
    expect(cookies[0]!.value).not.toBe(server.token);
    await page.getByText(/Videos are decoded by ffmpeg \S+ \((system|bundled|GSTUDIO_FFMPEG)/).waitFor();
    await screenshot(page, 'web-security-project-view');
  });

  it('sends its cookie to no other server on 127.0.0.1 or localhost', async () => {
    const { page } = studio;
    for (const origin of [`http://127.0.0.1:${otherPort}`, `http://localhost:${otherPort}`]) {
      await page.goto(`${origin}/`);
    }
    expect(cookiesSeenElsewhere.length).toBeGreaterThanOrEqual(2);
    expect(cookiesSeenElsewhere.join(';')).not.toMatch(/gstudio/);
  });

  it('survives hostile frames on its events socket and goes on serving the page', async () => {
    const { page, server } = studio;
    const port = Number(new URL(server.url).port);
    for (const frame of [wsFrame(0x1, Buffer.alloc(5000, 0x61)), wsFrame(0x1, Buffer.from([0xc3, 0x28])), wsFrame(0x3, Buffer.from('x')), wsFrame(0x1, Buffer.from('{}'), { masked: false })]) {
      expect((await rawWebSocket(port, { authorization: `Bearer ${server.token}` }, [frame])).statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    }
    const summary = await rawRequest(port, '/api/app.info', { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: '{}' });
    expect(summary.status).toBe(200);
    await page.goto(server.browserOrigin + '/');
    await page.getByRole('heading', { name: 'Open a project' }).waitFor();
    expect(server.output()).not.toMatch(/Unhandled 'error' event/);
  });

  it('logged no console errors', () => {
    expect(studio.consoleErrors).toEqual([]);
  });
});
