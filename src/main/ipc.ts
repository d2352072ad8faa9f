import { ipcMain, type BrowserWindow } from 'electron';
import { IPC_CALL, IPC_EVENT } from '../api';
import type { StudioService } from '../core/service';
import { isOwnFrame } from './window';

/** The API over IPC: one channel for calls (validated by the service), one for events. */
export function bridgeIpc(service: StudioService, win: BrowserWindow): void {
  ipcMain.handle(IPC_CALL, (event, method: unknown, params: unknown) => {
    if (!isOwnFrame(event.senderFrame?.url)) {
      return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted from the studio page only' } };
    }
    return service.call(method, params);
  });
  service.onEvent((e) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, e);
  });
}
