import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC_CALL, IPC_EVENT } from '../api/channels';
import type { CallOutcome, PreloadBridge } from '../api/client';

// The page's only door to the back end: two functions, no Node objects leak through.
const bridge: PreloadBridge = {
  call: (method, params) => ipcRenderer.invoke(IPC_CALL, method, params) as Promise<CallOutcome>,
  onEvent: (listener) => {
    const wrapped = (_e: unknown, event: unknown) => listener(event);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => void ipcRenderer.off(IPC_EVENT, wrapped);
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('gstudioBridge', bridge);
