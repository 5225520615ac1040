import { describe, expect, it } from 'vitest';
import { DEFAULT_COST, hashSecret, parseHash, verifySecret } from '../../../host/accounts/password';

const LOW = { N: 2 ** 12, r: 8, p: 1 };

describe('scrypt password hashing', () => {
  it('stores parameters and a per-hash salt, and verifies only the right secret', async () => {
    const a = await hashSecret('correct horse battery', LOW);
    const b = await hashSecret('correct horse battery', LOW);
    expect(a).toMatch(/^scrypt\$4096\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(parseHash(a).salt).not.toEqual(parseHash(b).salt);
    expect(await verifySecret('correct horse battery', a)).toBe(true);
    expect(await verifySecret('correct horse batterY', a)).toBe(false);
    expect(await verifySecret('', a)).toBe(false);
  });

  it('verifies with the parameters stored in the hash, not the current default', async () => {
    const h = await hashSecret('1234', { N: 2 ** 10, r: 4, p: 2 });
    expect(parseHash(h).cost).toEqual({ N: 1024, r: 4, p: 2 });
    expect(await verifySecret('1234', h)).toBe(true);
    expect(DEFAULT_COST).toEqual({ N: 2 ** 15, r: 8, p: 1 });
  });

  it('the default cost is memory-hard (32 MiB) and still verifies', async () => {
    const h = await hashSecret('station-admin-pass');
    expect(h.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifySecret('station-admin-pass', h)).toBe(true);
  });

  it('a changed hash byte fails, a malformed hash is an INTERNAL error', async () => {
    const h = await hashSecret('pw-pw-pw-pw', LOW);
    const parts = h.split('$');
    const key = Buffer.from(parts[5] as string, 'base64url');
    key[0] = (key[0] as number) ^ 1;
    parts[5] = key.toString('base64url');
    expect(await verifySecret('pw-pw-pw-pw', parts.join('$'))).toBe(false);
    await expect(verifySecret('x', 'md5$abc')).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
