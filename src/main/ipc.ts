import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { IPC_CALL, IPC_EVENT } from '../api';
import type { StudioService } from '../core/service';
import { isOwnPageUrl, type PageLocation } from './own-page';

/**
 * Only our own page may call the back end: the window's main frame (not a subframe, not another
 * web contents) showing the studio's index.html (not any other file or origin it was sent to).
 */
export function isOwnFrame(win: BrowserWindow, page: PageLocation, event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  if (!frame || win.isDestroyed() || event.sender !== win.webContents) return false;
  const main = win.webContents.mainFrame;
  return frame.parent === null && frame.processId === main.processId && frame.routingId === main.routingId && isOwnPageUrl(page, frame.url);
}

/** The API over IPC: one channel for calls (validated by the service), one for events. */
export function bridgeIpc(service: StudioService, win: BrowserWindow, page: PageLocation): void {
  ipcMain.handle(IPC_CALL, (event, method: unknown, params: unknown) => {
    if (!isOwnFrame(win, page, event)) {
      return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted from the studio page only' } };
    }
    return service.call(method, params);
  });
  service.onEvent((e) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, e);
  });
}
