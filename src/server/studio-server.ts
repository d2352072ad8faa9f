import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { HTTP_API_PREFIX, HTTP_MEDIA_PREFIX, HTTP_PREDICTION_MEDIA_PREFIX, HTTP_THUMB_PREFIX, HTTP_UPLOAD_PATH, PredictionId, SESSION_COOKIE, WS_PATH } from '../api';
import { StudioError, errorMessage } from '../core/errors';
import { maxUploadBytes } from '../core/service/prediction-input';
import type { StudioService } from '../core/service';
import { isAuthorised, isSameSite, newLaunchHost, newToken, type Credentials } from './auth';
import { serveMedia } from './media-route';
import { serveStatic } from './static-files';
import { serveTasksAsset } from './tasks-assets';

export interface StudioServer {
  /** The URL to open: the launch host, carrying the token once; then the page lives on a session cookie. */
  url: string;
  /** http://127.0.0.1:PORT, for programs that send the token as a Bearer header. */
  origin: string;
  /** http://<launch host>.localhost:PORT, where the browser's session cookie is valid. */
  browserOrigin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;
/** The only thing a page may say on the events socket. */
const ClientMessage = z.object({ type: z.literal('ping') }).strict();

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
};

/**
 * Web mode: the same API as the desktop app over HTTP + WebSocket, on 127.0.0.1 only, behind a
 * token made at launch. Serves the built renderer, so a browser is the whole UI.
 */
export async function startStudioServer(options: { service: StudioService; rendererDir: string; port?: number; token?: string }): Promise<StudioServer> {
  const { service, rendererDir } = options;
  const token = options.token ?? newToken();
  const launchHost = newLaunchHost();
  let port = 0;
  const creds: Credentials = { token, session: newToken(), cookieHost: '' };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('[gstudio] request failed:', err);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('Internal error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (!isSameSite(req, port, launchHost)) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Forbidden: wrong host or origin');
      return;
    }
    const url = parseTarget(req.url);
    if (!url) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad request: the path is not a valid URL path');
      return;
    }
    const given = url.searchParams.get('token');
    if (given !== null && url.pathname === '/') {
      // Trade the URL's token for a cookie and drop it from the address bar.
      if (given !== token) {
        res.writeHead(401, { 'Content-Type': 'text/plain' }).end('Wrong token: open the URL that "gstudio serve" printed');
        return;
      }
      // The cookie is set for the launch host only: on 127.0.0.1 every other local server would get it.
      if (req.headers.host !== creds.cookieHost) {
        res.writeHead(302, { Location: `http://${creds.cookieHost}/?token=${encodeURIComponent(token)}` }).end();
        return;
      }
      res.writeHead(302, { 'Set-Cookie': `${SESSION_COOKIE}=${creds.session}; HttpOnly; SameSite=Strict; Path=/`, Location: '/' }).end();
      return;
    }
    if (!isAuthorised(req, creds)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Open the URL that "gstudio serve" printed: it carries the access token');
      return;
    }
    if (url.pathname.startsWith(HTTP_API_PREFIX)) {
      if (req.method !== 'POST') {
        res.writeHead(405, { Allow: 'POST' }).end();
        return;
      }
      const body = await readJson(req);
      const outcome = body.ok ? await service.call(url.pathname.slice(HTTP_API_PREFIX.length), body.value) : { ok: false as const, error: { code: 'invalid_json', message: body.message } };
      res.writeHead(outcome.ok ? 200 : 400, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(outcome));
      return;
    }
    if (url.pathname.startsWith(HTTP_MEDIA_PREFIX) && (req.method === 'GET' || req.method === 'HEAD')) {
      const id = Number(url.pathname.slice(HTTP_MEDIA_PREFIX.length));
      if (!Number.isInteger(id) || id <= 0) {
        res.writeHead(400).end();
        return;
      }
      await serveMedia(() => service.clipMedia(id), req, res);
      return;
    }
    if (url.pathname.startsWith(HTTP_THUMB_PREFIX) && req.method === 'GET') {
      const id = Number(url.pathname.slice(HTTP_THUMB_PREFIX.length));
      if (!Number.isInteger(id) || id <= 0) {
        res.writeHead(400).end();
        return;
      }
      await serveMedia(() => service.clipThumbnail(id), req, res);
      return;
    }
    if (url.pathname.startsWith(HTTP_PREDICTION_MEDIA_PREFIX) && (req.method === 'GET' || req.method === 'HEAD')) {
      const id = PredictionId.safeParse(url.pathname.slice(HTTP_PREDICTION_MEDIA_PREFIX.length));
      if (!id.success) {
        res.writeHead(400).end();
        return;
      }
      await serveMedia(() => service.predictionMedia(id.data), req, res);
      return;
    }
    if (url.pathname === HTTP_UPLOAD_PATH && req.method === 'PUT') {
      const name = url.searchParams.get('name') ?? '';
      try {
        if (!name || name.length > 255) throw new Error('the upload needs a file name');
        const declared = Number(req.headers['content-length']);
        if (declared > maxUploadBytes()) throw new StudioError('too_large', `The upload is larger than ${Math.round(maxUploadBytes() / 1024 / 1024)} MB: classify it from the CLI ("gstudio predict"), or set GSTUDIO_MAX_UPLOAD_MB`);
        const uploadId = await service.saveUpload(name, req);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ uploadId }));
      } catch (err) {
        const status = err instanceof StudioError && err.code === 'too_large' ? 413 : 400;
        // Unread body bytes of a refused upload are dropped with the connection.
        res.writeHead(status, { 'Content-Type': 'application/json', Connection: 'close' }).end(JSON.stringify({ error: errorMessage(err) }));
      }
      return;
    }
    if (req.method === 'GET' && serveTasksAsset(url.pathname, res, SECURITY_HEADERS)) return;
    if (req.method === 'GET' && serveStatic(rendererDir, url.pathname, res, SECURITY_HEADERS)) return;
    // A client-side route: the app shell handles it.
    if (req.method === 'GET' && !url.pathname.includes('.') && serveStatic(rendererDir, '/', res, SECURITY_HEADERS)) return;
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
  }

  // A frame the protocol forbids (too long, bad UTF-8, reserved opcode, unmasked) ends that
  // socket with a close code; every socket has an error listener so that it never ends the server.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  wss.on('error', (err) => console.error('[gstudio] events socket server:', errorMessage(err)));
  const sockets = new Set<WebSocket>();
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    else socket.destroy();
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const path = parseTarget(req.url)?.pathname;
    if (path !== WS_PATH || !isSameSite(req, port, launchHost) || !isAuthorised(req, creds)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('error', () => ws.terminate());
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(String(data));
        } catch {
          parsed = undefined;
        }
        if (!ClientMessage.safeParse(parsed).success) ws.close(1008, 'invalid message');
        else ws.send(JSON.stringify({ type: 'pong' }));
      });
    });
  });
  const unsubscribe = service.onEvent((event) => {
    const text = JSON.stringify(event);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  creds.cookieHost = `${launchHost}:${port}`;
  const origin = `http://127.0.0.1:${port}`;
  const browserOrigin = `http://${creds.cookieHost}`;
  return {
    url: `${browserOrigin}/?token=${token}`,
    origin,
    browserOrigin,
    token,
    port,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The request target as a URL, or null when it is not a path ("//host", bad escapes). */
function parseTarget(target: string | undefined): URL | null {
  if (!target?.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://studio.invalid');
  } catch {
    return null;
  }
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return { ok: false, message: 'Request body too large' };
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, message: 'Request body is not JSON' };
  }
}
