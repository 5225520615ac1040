/**
 * The renderer is served from a privileged custom scheme instead of file://, so it has a real
 * origin: the CSP header, the permission handler and the IPC sender check can all name it.
 */
export const APP_SCHEME = 'myriad-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The page URL, with the recipe and camera the UI should open first (the same query `serve` prints). */
export function appEntryUrl(defaults: { recipe: string; camera: string } | null): string {
  if (defaults === null) return APP_ENTRY_URL;
  return `${APP_ENTRY_URL}?${new URLSearchParams(defaults).toString()}`;
}

/** Origin of a URL, or null when it cannot be parsed; custom standard schemes keep scheme://host. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

export function isAppUrl(url: string): boolean {
  return originOf(url) === APP_ORIGIN;
}
