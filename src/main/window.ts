import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { PageLocation } from './own-page';

/**
 * The one window. The page gets no Node: context isolation, sandbox, and only the preload's
 * bridge. Navigation and new windows are guarded for every web contents (web-contents-guards.ts).
 */
export function createMainWindow(dir: string, page: PageLocation): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Gesture Studio',
    webPreferences: {
      preload: join(dir, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(page.url);
  return win;
}
