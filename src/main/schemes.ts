import { protocol } from 'electron';
import { MEDIA_SCHEME } from '../api';
import { APP_SCHEME } from './own-page';

/**
 * Must run before `app.ready`, once for all schemes (a second call replaces the first). The page's
 * scheme is a secure origin of its own (not file://); the media scheme streams and seeks.
 */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
  ]);
}
