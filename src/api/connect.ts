import type { PreloadBridge, StudioApi } from './client';
import { createIpcClient } from './ipc-client';
import { createWebClient } from './web-client';

declare global {
  interface Window {
    gstudioBridge?: PreloadBridge;
  }
}

/** Desktop app when the preload bridge is there, web mode otherwise. */
export function connectStudio(): StudioApi {
  return window.gstudioBridge ? createIpcClient(window.gstudioBridge) : createWebClient();
}
