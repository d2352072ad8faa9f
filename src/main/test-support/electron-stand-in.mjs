// A stand-in for the `electron` module, for loading the built main bundle in plain Node. It does
// only what the main process calls, and records it in globalThis.__electronStandIn (reset by the
// test before each load) so the test can drive what Electron would: app ready, protocol requests,
// IPC calls from frames, permission requests, navigation. utilityProcess.fork runs the script
// with Node's fork, so jobs really run.
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';

const S = () => globalThis.__electronStandIn;

export function resetStandIn(options = {}) {
  let markReady;
  const ready = new Promise((r) => (markReady = r));
  globalThis.__electronStandIn = {
    isPackaged: false,
    appPath: process.cwd(),
    ...options,
    ready,
    markReady,
    app: null,
    sandboxed: false,
    schemes: [],
    protocols: new Map(),
    ipc: new Map(),
    windows: [],
    contents: [],
    sent: [],
    opened: [],
    errors: [],
    forks: [],
    permissionRequest: null,
    permissionCheck: null,
    devicePermission: null,
    exitCode: null,
  };
  const app = new EventEmitter();
  Object.assign(app, {
    getAppPath: () => S().appPath,
    getVersion: () => '0.1.0',
    enableSandbox: () => void (S().sandboxed = true),
    whenReady: () => S().ready,
    quit: () => void (S().quit = true),
    exit: (code) => void (S().exitCode = code),
  });
  Object.defineProperty(app, 'isPackaged', { get: () => S().isPackaged });
  globalThis.__electronStandIn.app = app;
  return globalThis.__electronStandIn;
}

let nextFrame = 1;
export class WebFrameMain {
  constructor(url, parent = null) {
    this.url = url;
    this.parent = parent;
    this.processId = 7;
    this.routingId = nextFrame++;
  }
}

export class WebContents extends EventEmitter {
  constructor() {
    super();
    this.mainFrame = new WebFrameMain('');
    this.windowOpenHandler = null;
    S().contents.push(this);
    S().app.emit('web-contents-created', {}, this);
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  send(channel, payload) {
    S().sent.push({ channel, payload });
  }
  /** What Electron does before a navigation: listeners may preventDefault(). */
  navigate(kind, details) {
    let prevented = false;
    this.emit(kind, { ...details, preventDefault: () => void (prevented = true) });
    return !prevented;
  }
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.loaded = null;
    S().windows.push(this);
  }
  loadURL(url) {
    this.loaded = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  loadFile(file) {
    this.loaded = `file://${file}`;
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  show() {}
  static getFocusedWindow() {
    return S().windows[0] ?? null;
  }
}

// The bundle imports `app` once; each load of it gets the app of the current state.
const facade = (pick) =>
  new Proxy({}, {
    get: (_t, key) => {
      const target = pick();
      const value = target[key];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
export const app = facade(() => S().app);

export const protocol = {
  registerSchemesAsPrivileged: (schemes) => void S().schemes.push(...schemes),
  handle: (scheme, handler) => void S().protocols.set(scheme, handler),
};

export const ipcMain = {
  handle: (channel, handler) => void S().ipc.set(channel, handler),
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler: (h) => void (S().permissionRequest = h),
    setPermissionCheckHandler: (h) => void (S().permissionCheck = h),
    setDevicePermissionHandler: (h) => void (S().devicePermission = h),
  },
};

export const shell = { openExternal: async (url) => void S().opened.push(url) };

export const dialog = {
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showErrorBox: (title, message) => void S().errors.push({ title, message }),
};

/** Electron's utilityProcess, by Node's fork: the same worker entry, a message port of the same shape. */
export const utilityProcess = {
  fork(script, args = [], options = {}) {
    const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', env: options.env ?? process.env });
    S().forks.push({ script, options, pid: child.pid });
    const proc = new EventEmitter();
    child.on('message', (m) => proc.emit('message', m));
    child.on('exit', (code) => proc.emit('exit', code ?? 1));
    proc.postMessage = (m) => child.connected && child.send(m);
    proc.kill = () => child.kill('SIGKILL');
    proc.pid = child.pid;
    return proc;
  },
};

export default { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, utilityProcess };
