import { isAppUrl } from './app-origin';

/**
 * Permission decisions for the session (setPermissionRequestHandler / setPermissionCheckHandler).
 * The station needs exactly one: the camera, for the app's own pages. Microphone, geolocation,
 * notifications, clipboard, HID/serial/USB and everything else are refused.
 */
export interface PermissionQuery {
  permission: string;
  /** URL of the frame asking (details.requestingUrl, or the check handler's requestingOrigin). */
  requestingUrl: string;
  /** For 'media' requests: what is asked for ('video', 'audio'); absent for permission checks. */
  mediaTypes?: readonly string[];
}

export function isPermissionGranted(query: PermissionQuery): boolean {
  if (query.permission !== 'media') return false;
  if (!isAppUrl(query.requestingUrl)) return false;
  const types = query.mediaTypes ?? ['video'];
  return types.length > 0 && types.every((t) => t === 'video');
}
