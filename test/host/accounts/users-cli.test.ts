import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { command } from '../../../host/cli/commands/users';
import { openDatabase } from '../../../db/open';
import { verifyAuditChain } from '../../../db/repositories/audit-log';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'users-cli-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<string> {
  const writes: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    await command.run([...args, '--data-dir', join(dir, 'data')]);
    return writes.join('');
  } finally {
    spy.mockRestore();
  }
}

describe('npm run users', () => {
  it('bootstraps an admin from a password file (first line only) and lists it', async () => {
    await writeFile(join(dir, 'pw'), 'first admin passphrase\nignored second line\n');
    expect(await run(['add', '--name', 'alice', '--role', 'admin', '--password-file', join(dir, 'pw')])).toBe('Added alice (admin)\n');
    expect(await run(['list'])).toBe('alice\tadmin\tpassword\t-\n');
    const db = openDatabase(join(dir, 'data', 'station.db'));
    try {
      expect(db.prepare('SELECT actor, action, subject FROM audit_log').all()).toEqual([{ actor: expect.stringMatching(/^cli:/), action: 'user.add', subject: 'alice' }]);
      expect(verifyAuditChain(db)).toBeNull();
    } finally {
      db.close();
    }
  });

  it('refuses a bad role, a short password, a bad PIN and a taken name with one message each', async () => {
    await writeFile(join(dir, 'short'), 'short\n');
    await writeFile(join(dir, 'good'), 'long enough pass\n');
    await writeFile(join(dir, 'pin'), '12a4\n');
    await expect(run(['add', '--name', 'bob', '--role', 'boss', '--password-file', join(dir, 'good')])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Invalid --role boss. Use one of: operator, engineer, supervisor, admin',
    });
    await expect(run(['add', '--name', 'bob', '--role', 'operator', '--password-file', join(dir, 'short')])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'password: password must be at least 8 characters',
    });
    await expect(run(['add', '--name', 'bob', '--role', 'operator', '--password-file', join(dir, 'good'), '--pin-file', join(dir, 'pin')])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'pin: PIN is 4 to 8 digits',
    });
    await expect(run(['add', '--name', 'alice', '--role', 'operator', '--password-file', join(dir, 'good')])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'A user named alice already exists',
    });
    expect(await run(['list'])).toBe('alice\tadmin\tpassword\t-\n');
  });
});
