import { app, dialog, session, BrowserWindow } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../core/errors';
import { NATIVE_DIR_ENV } from '../core/native/native-binding';
import { StudioService } from '../core/service';
import { handleAppScheme } from './app-protocol';
import { bridgeIpc } from './ipc';
import { handleMediaScheme } from './media-protocol';
import { pageLocation } from './own-page';
import { restrictPermissions } from './permissions';
import { registerSchemes } from './schemes';
import { utilitySpawner } from './utility-spawner';
import { guardWebContents } from './web-contents-guards';
import { createMainWindow } from './window';

const here = dirname(fileURLToPath(import.meta.url));
// A dev server only in development: a packaged app always shows its own files.
const page = pageLocation(app.isPackaged, process.env.ELECTRON_RENDERER_URL);
// Electron's build of better-sqlite3 (scripts/electron-native.mjs), outside the asar in a package;
// utility processes inherit the variable. A packaged app does not take it from the environment.
if (app.isPackaged) process.env[NATIVE_DIR_ENV] = join(`${app.getAppPath()}.unpacked`, 'native');
else process.env[NATIVE_DIR_ENV] ??= join(app.getAppPath(), 'native');

app.enableSandbox();
registerSchemes();
guardWebContents(app, page);

app
  .whenReady()
  .then(() => {
    restrictPermissions(session.defaultSession, page);
    handleAppScheme(join(here, '../renderer'));
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
      { projectDir: process.env.GSTUDIO_PROJECT || undefined },
    );
    handleMediaScheme(service);
    win = createMainWindow(here, page);
    bridgeIpc(service, win, page);
    app.on('window-all-closed', () => {
      service.close();
      app.quit();
    });
  })
  .catch((err: unknown) => {
    // Before any window: say why instead of running on with none.
    dialog.showErrorBox('Gesture Studio cannot start', errorMessage(err));
    app.exit(1);
  });
