/**
 * Where the studio's page comes from, and the test "is this our page?" used by IPC, permissions
 * and navigation guards. Packaged or not, the page is served from our own scheme; a dev server
 * (ELECTRON_RENDERER_URL, set by `electron-vite dev`) is honoured only outside a packaged build,
 * and only on loopback.
 */
export const APP_SCHEME = 'gstudio-app';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_INDEX = `${APP_ORIGIN}/index.html`;

export interface PageLocation {
  /** What the window loads. */
  url: string;
  /** The origin the page runs in. */
  origin: string;
  /** The paths of that origin that are the page itself. */
  paths: readonly string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function pageLocation(isPackaged: boolean, devUrl: string | undefined): PageLocation {
  if (!isPackaged && devUrl) {
    try {
      const u = new URL(devUrl);
      if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return { url: u.href, origin: u.origin, paths: ['/', '/index.html'] };
    } catch {
      // not a URL: the built page
    }
    console.warn(`gstudio: ignoring ELECTRON_RENDERER_URL=${devUrl} (only an http://localhost dev server is used)`);
  }
  return { url: APP_INDEX, origin: APP_ORIGIN, paths: ['/index.html'] };
}

/** The page itself (any #route or ?query on it), not another file or origin. */
export function isOwnPageUrl(page: PageLocation, url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    // Not u.origin: for a scheme the URL parser does not know (ours, outside Electron) it is "null".
    return `${u.protocol}//${u.host}` === page.origin && page.paths.includes(u.pathname) && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
