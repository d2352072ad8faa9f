import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from '../api';

/** A fresh secret per launch: whoever can reach 127.0.0.1 still needs the printed URL. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * A host name of this launch under localhost (browsers resolve every *.localhost name to
 * loopback). Cookies are kept per host, not per port, so a cookie set for this name is never
 * sent to another server on 127.0.0.1 the way a cookie of 127.0.0.1 would be.
 */
export function newLaunchHost(): string {
  return `gs-${randomBytes(8).toString('hex')}.localhost`;
}

/** What a request may present: the bearer token (anywhere), or the session cookie on the launch host only. */
export interface Credentials {
  token: string;
  /** The cookie's value: a second secret, never the token, so that a cookie is not a bearer key. */
  session: string;
  /** `<launch host>:<port>`: the one Host the cookie is valid for. */
  cookieHost: string;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(req: IncomingMessage, name = SESSION_COOKIE): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

export function bearerToken(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : null;
}

/**
 * True when the request carries the launch token as a Bearer header, or the session cookie on the
 * launch host (a cookie replayed to 127.0.0.1 by another local server opens nothing).
 */
export function isAuthorised(req: IncomingMessage, creds: Credentials): boolean {
  const bearer = bearerToken(req);
  if (bearer !== null) return same(bearer, creds.token);
  const cookie = cookieValue(req);
  return cookie !== null && req.headers.host === creds.cookieHost && same(cookie, creds.session);
}

/**
 * Host must name this server (DNS rebinding), and a browser-sent Origin must be ours (CSRF and
 * cross-site WebSocket hijacking): the cookie alone is not enough.
 */
export function isSameSite(req: IncomingMessage, port: number, launchHost: string): boolean {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `${launchHost}:${port}`];
  if (!allowed.includes(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  return origin === undefined || allowed.some((h) => origin === `http://${h}`);
}
