/**
 * Headers on every response. The CSP allows only the app's own scripts and styles (no inline
 * script, no eval, no remote fonts), images from its own blob URLs, camera streams, and the
 * WebSocket back to this server.
 */
export function securityHeaders(origin: string): Record<string, string> {
  const wsOrigin = origin.replace(/^http:/, 'ws:');
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${wsOrigin}`,
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}
