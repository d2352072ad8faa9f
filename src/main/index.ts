import { app, dialog, BrowserWindow } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioService } from '../core/service';
import { bridgeIpc } from './ipc';
import { handleMediaScheme, registerMediaScheme } from './media-protocol';
import { utilitySpawner } from './utility-spawner';
import { createMainWindow } from './window';

const here = dirname(fileURLToPath(import.meta.url));
registerMediaScheme();

app.whenReady().then(() => {
  let win: BrowserWindow | null = null;
  const service = new StudioService(
    {
      mode: 'electron',
      version: app.getVersion(),
      // electron-vite builds the worker entry next to this file.
      spawner: utilitySpawner(join(here, 'job-worker.js')),
      pickFolder: async (title) => {
        const r = await dialog.showOpenDialog(win ?? BrowserWindow.getFocusedWindow()!, { title, properties: ['openDirectory', 'createDirectory'] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
    },
    { projectDir: process.env.GSTUDIO_PROJECT },
  );
  handleMediaScheme(service);
  win = createMainWindow(here);
  bridgeIpc(service, win);
  app.on('window-all-closed', () => {
    service.close();
    app.quit();
  });
});
