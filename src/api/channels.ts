/** Electron IPC channel names. */
export const IPC_CALL = 'gstudio:call';
export const IPC_EVENT = 'gstudio:event';

/** Custom protocol for clip media in the desktop app (streams and seeks like http). */
export const MEDIA_SCHEME = 'gstudio-media';

/** HTTP routes of web mode. */
export const HTTP_API_PREFIX = '/api/';
export const HTTP_MEDIA_PREFIX = '/media/clip/';
export const HTTP_PREDICTION_MEDIA_PREFIX = '/media/prediction/';
export const HTTP_THUMB_PREFIX = '/media/thumb/';
/** Web mode: a video dropped on the Predict view is uploaded here (PUT, body = the file). */
export const HTTP_UPLOAD_PATH = '/upload';
export const WS_PATH = '/events';
/** Web mode's session cookie: set for the launch host only, and not the access token. */
export const SESSION_COOKIE = 'gstudio_session';
