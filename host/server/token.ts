import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'myriad_token';

/** A fresh secret per server run: 192 bits, URL-safe, so it can sit in a query string. */
export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameSecret(given: string, expected: string): boolean {
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
 * True when the request carries the run's token, in the `token` query parameter (the printed URL,
 * image URLs, the WebSocket URL) or in the cookie set when the page was first opened.
 */
export function hasValidToken(req: IncomingMessage, url: URL, expected: string): boolean {
  const candidates = [url.searchParams.get('token'), cookieValue(req.headers.cookie, TOKEN_COOKIE)];
  return candidates.some((c) => c !== null && sameSecret(c, expected));
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}
