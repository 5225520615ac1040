import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { StationError } from '../../common/errors';

/**
 * Password and PIN hashing with scrypt (memory-hard). The stored string carries its own
 * parameters and salt, `scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later
 * without breaking existing accounts.
 */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * N=2^15, r=8, p=1: 32 MiB and about 0.1-0.5 s per check on a station PC. OWASP's 2^17 took
 * 2 s per sign-in on the shared test machine, too slow for a PIN quick-switch at the line; the
 * parameters travel with each hash, so they can be raised without resetting anyone.
 */
export const DEFAULT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // maxmem must exceed 128 * N * r bytes or node refuses the parameters.
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashSecret(secret: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** @throws StationError('INTERNAL') when `stored` is not a hash this module wrote. */
export function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } {
  const parts = stored.split('$');
  const [scheme, n, r, p, salt, key] = parts;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (parts.length !== 6 || scheme !== 'scrypt' || !Object.values(cost).every((v) => Number.isInteger(v) && v > 0) || !salt || !key) {
    throw new StationError('INTERNAL', 'A stored credential is not a scrypt hash');
  }
  return { cost, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

/** Recomputes with the stored parameters and compares in constant time. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const { cost, salt, key } = parseHash(stored);
  const candidate = await derive(secret, salt, cost);
  return candidate.length === key.length && timingSafeEqual(candidate, key);
}
