import type { Session } from 'electron';
import { isOwnPageUrl, type PageLocation } from './own-page';

/**
 * Every permission is refused except the camera (`media` with video only) for the studio's own
 * page in its main frame: the Capture view records from it; nothing else (microphone, screen,
 * notifications, geolocation, HID/USB/serial, ...) is ever needed.
 */
export function restrictPermissions(session: Session, page: PageLocation): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const media = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(permission === 'media' && details.isMainFrame && media.length > 0 && media.every((t) => t === 'video') && isOwnPageUrl(page, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    return permission === 'media' && details.isMainFrame && details.mediaType === 'video' && requestingOrigin === page.origin;
  });
  session.setDevicePermissionHandler(() => false);
}
