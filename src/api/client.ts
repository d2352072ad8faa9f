import type { MethodName, Params, Result } from './methods';
import type { StudioEvent } from './events';

/** Failure of a call as the UI sees it: a message for the user, a code to branch on. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Wire shape of a call's outcome on both transports. */
export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/** What the renderer holds: typed calls, events, and the URL the video element plays for a clip. */
export interface StudioApi {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  onEvent(listener: (event: StudioEvent) => void): () => void;
  clipMediaUrl(clipId: number): string;
  predictionMediaUrl(id: string): string;
  clipThumbnailUrl(clipId: number): string;
  /** A dropped or chosen file: its path (desktop) or an upload id (web mode). */
  takeFile(file: File): Promise<{ video: string } | { uploadId: string }>;
  /** A dropped folder's path where the transport can tell it (desktop); null in a browser, which never reveals it. */
  folderPathOf(file: File): string | null;
}

/** The raw bridge the Electron preload exposes on `window.gstudioBridge`. */
export interface PreloadBridge {
  call(method: string, params: unknown): Promise<CallOutcome>;
  onEvent(listener: (event: unknown) => void): () => void;
  /** The path of a dropped file (Electron's webUtils): the page itself never sees paths. */
  pathForFile(file: File): string;
}
