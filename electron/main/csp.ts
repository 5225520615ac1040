import { BLOB_HOST, BLOB_SCHEME } from '../../common/preload-api';

/**
 * The Content-Security-Policy of every response of the app's own protocol.
 *
 * Nothing inline and nothing evaluated: the renderer is a Vite bundle of files under the app
 * origin. Images come from the app itself, from the blob protocol (stored frames and anomaly maps)
 * and from `blob:`/`data:` URLs the UI makes from canvases and webcam captures; the webcam stream is
 * `mediastream:`. No network origin appears anywhere: the station works offline.
 */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', `'self' ${BLOB_SCHEME}://${BLOB_HOST} blob: data:`],
  ['media-src', "'self' blob: mediastream:"],
  ['connect-src', `'self' ${BLOB_SCHEME}://${BLOB_HOST}`],
  ['font-src', "'self'"],
  ['worker-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
  ['frame-src', "'none'"],
];

export function contentSecurityPolicy(): string {
  return CSP_DIRECTIVES.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** Headers every app-protocol response carries, CSP first. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}
