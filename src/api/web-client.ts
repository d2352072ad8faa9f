import { ApiError, type CallOutcome, type StudioApi } from './client';
import { HTTP_API_PREFIX, HTTP_MEDIA_PREFIX, HTTP_PREDICTION_MEDIA_PREFIX, HTTP_THUMB_PREFIX, HTTP_UPLOAD_PATH, WS_PATH } from './channels';
import { StudioEvent } from './events';
import { unwrap } from './validated-client';

/**
 * The API over HTTP + WebSocket (web mode). The page was opened through the tokened URL, so its
 * cookie authorises every call; events arrive on one socket that reconnects when it drops.
 */
export function createWebClient(origin = location.origin): StudioApi {
  const listeners = new Set<(e: StudioEvent) => void>();
  let socket: WebSocket | null = null;
  let retry = 500;

  const connect = () => {
    socket = new WebSocket(origin.replace(/^http/, 'ws') + WS_PATH);
    socket.onopen = () => (retry = 500);
    socket.onmessage = (m) => {
      let data: unknown;
      try {
        data = JSON.parse(String(m.data));
      } catch {
        return;
      }
      const parsed = StudioEvent.safeParse(data);
      if (parsed.success) for (const l of listeners) l(parsed.data);
    };
    socket.onclose = () => {
      socket = null;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10_000);
    };
  };
  connect();

  return {
    async call(method, params) {
      let response: Response;
      try {
        response = await fetch(origin + HTTP_API_PREFIX + method, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(params ?? {}),
          credentials: 'same-origin',
        });
      } catch {
        throw new ApiError('offline', 'The studio server does not answer: is "gstudio serve" still running?');
      }
      if (response.status === 401) throw new ApiError('unauthorised', 'Access token missing: open the URL that "gstudio serve" printed');
      let outcome: CallOutcome;
      try {
        outcome = (await response.json()) as CallOutcome;
      } catch {
        throw new ApiError('invalid_response', `The server answered ${method} with HTTP ${response.status}`);
      }
      return unwrap(method, outcome);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clipMediaUrl: (clipId) => `${origin}${HTTP_MEDIA_PREFIX}${clipId}`,
    predictionMediaUrl: (id) => `${origin}${HTTP_PREDICTION_MEDIA_PREFIX}${id}`,
    clipThumbnailUrl: (clipId) => `${origin}${HTTP_THUMB_PREFIX}${clipId}`,
    // A page is never told where a dropped folder is: the user types or pastes its path.
    folderPathOf: () => null,
    async takeFile(file) {
      const res = await fetch(`${origin}${HTTP_UPLOAD_PATH}?name=${encodeURIComponent(file.name)}`, { method: 'PUT', body: file, credentials: 'same-origin' });
      const body = (await res.json().catch(() => null)) as { uploadId?: string; error?: string } | null;
      if (!res.ok || !body?.uploadId) throw new ApiError('upload', body?.error ?? `Upload failed (HTTP ${res.status})`);
      return { uploadId: body.uploadId };
    },
  };
}
