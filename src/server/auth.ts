import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_COOKIE } from '../api';

/** A fresh secret per launch: whoever can reach 127.0.0.1 still needs the printed URL. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieToken(req: IncomingMessage): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return v.join('=');
  }
  return null;
}

export function bearerToken(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : null;
}

/** True when the request carries the launch token in the cookie or an Authorization header. */
export function isAuthorised(req: IncomingMessage, token: string): boolean {
  const given = cookieToken(req) ?? bearerToken(req);
  return given !== null && same(given, token);
}

/**
 * Host must name this server (DNS rebinding), and a browser-sent Origin must be ours (CSRF and
 * cross-site WebSocket hijacking): the cookie alone is not enough.
 */
export function isSameSite(req: IncomingMessage, port: number): boolean {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!allowed.includes(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  return origin === undefined || allowed.some((h) => origin === `http://${h}`);
}
