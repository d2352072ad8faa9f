import type { PreloadBridge, StudioApi } from './client';
import { MEDIA_SCHEME } from './channels';
import { StudioEvent } from './events';
import { unwrap } from './validated-client';

/** The API over Electron IPC, through the bridge the preload exposes (no Node in the page). */
export function createIpcClient(bridge: PreloadBridge): StudioApi {
  return {
    call: async (method, params) => unwrap(method, await bridge.call(method, params ?? {})),
    onEvent(listener) {
      return bridge.onEvent((raw) => {
        const parsed = StudioEvent.safeParse(raw);
        if (parsed.success) listener(parsed.data);
      });
    },
    clipMediaUrl: (clipId) => `${MEDIA_SCHEME}://clip/${clipId}`,
    predictionMediaUrl: (id) => `${MEDIA_SCHEME}://prediction/${id}`,
    clipThumbnailUrl: (clipId) => `${MEDIA_SCHEME}://thumb/${clipId}`,
    takeFile: async (file) => ({ video: bridge.pathForFile(file) }),
    folderPathOf: (file) => bridge.pathForFile(file) || null,
  };
}
