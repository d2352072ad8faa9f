import { shell, type App } from 'electron';
import { isOwnPageUrl, type PageLocation } from './own-page';

/**
 * For every web contents the app ever creates (the window, and anything a page might try to
 * open): no navigation away from the studio's page in any frame, no new windows (http(s) links
 * go to the system browser), no <webview>.
 */
export function guardWebContents(app: App, page: PageLocation): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      if (!isOwnPageUrl(page, event.url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!event.isMainFrame || !isOwnPageUrl(page, event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isOwnPageUrl(page, event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
