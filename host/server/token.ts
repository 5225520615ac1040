import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh secret per server run: 192 bits, URL-safe, so it can sit in the printed URL's query. */
export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The cookie that carries the token after the first page load. Browsers send 127.0.0.1 cookies to
 * every port of the machine, so each server reads only the cookie named after its own port: two
 * stations (or another local app) on other ports neither replace nor satisfy it.
 */
export function tokenCookieName(port: number): string {
  return `myriad_token_${port}`;
}

/** HttpOnly: page scripts never read it; SameSite=Strict: no other site's page sends it here. */
export function tokenCookie(token: string, port: number): string {
  return `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * True when the request carries this server's token cookie. A `token` query parameter is not
 * accepted here: the printed URL's token is exchanged for the cookie once, on `/` (http-server.ts),
 * so no other URL ever needs to carry it.
 */
export function hasTokenCookie(req: IncomingMessage, port: number, expected: string): boolean {
  const given = cookieValue(req.headers.cookie, tokenCookieName(port));
  return given !== null && sameSecret(given, expected);
}
