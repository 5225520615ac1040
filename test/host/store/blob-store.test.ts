import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSystemError } from '../../../host/store/atomic-write';
import { BlobStore, sha256Hex } from '../../../host/store/blob-store';
import { mountTmpfs, TMPFS_SKIP_MESSAGE } from '../fixtures/tmpfs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blobs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function allFiles(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
}

describe('BlobStore', () => {
  it('names files by sha256, writes each content once, finds and reads them back', async () => {
    const store = new BlobStore(dir);
    const bytes = randomBytes(1000);
    const a = await store.put(bytes, '.png');
    const b = await store.put(bytes, '.png');
    expect(a).toEqual(b);
    expect(a.sha256).toBe(sha256Hex(bytes));
    expect(a.relPath).toBe(join(a.sha256.slice(0, 2), `${a.sha256}.png`));
    expect(await store.find(a.sha256)).toBe(a.path);
    expect(store.pathOf(a.sha256)).toBe(a.path);
    expect(Buffer.from(await store.read(a.sha256)).equals(bytes)).toBe(true);
    expect(await allFiles(dir)).toEqual([`${a.sha256}.png`]);
  });

  it('refuses unknown and malformed hashes, and a file whose bytes no longer match', async () => {
    const store = new BlobStore(dir);
    await expect(store.read('f'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(() => store.pathOf('../../etc/passwd')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    const a = await store.put(Buffer.from('hello'), '.bin');
    await writeFile(a.path, 'tampered');
    await expect(store.read(a.sha256)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('does not match') });
  });

  it('sweeps temp files left by a killed write once they are old, and nothing else', async () => {
    const store = new BlobStore(dir);
    const kept = await store.put(randomBytes(100), '.png');
    await mkdir(join(dir, 'ab'), { recursive: true });
    const stale = join(dir, 'ab', `.${'ab'.repeat(32)}.png.0123456789ab.tmp`);
    const fresh = join(dir, 'ab', `.${'ab'.repeat(32)}.png.ba9876543210.tmp`);
    await writeFile(stale, 'half');
    await writeFile(fresh, 'half');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, old, old);
    expect(await store.sweepStaleTemp()).toBe(1);
    expect((await allFiles(dir)).sort()).toEqual([`${kept.sha256}.png`, `.${'ab'.repeat(32)}.png.ba9876543210.tmp`].sort());
    expect(await new BlobStore(join(dir, 'none')).sweepStaleTemp()).toBe(0);
  });

  it('reports a full disk from the write seam as DISK_FULL and records nothing', async () => {
    const enospc = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const store = new BlobStore(dir, async (path) => {
      throw fileSystemError(enospc, path);
    });
    await expect(store.put(randomBytes(10), '.png')).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(await allFiles(dir)).toEqual([]);
  });

  it('on a real full tmpfs: DISK_FULL, no temp file left, earlier blobs intact', async (ctx) => {
    const fs = mountTmpfs(64);
    if (!fs) return ctx.skip(TMPFS_SKIP_MESSAGE);
    try {
      const store = new BlobStore(join(fs.dir, 'blobs'));
      const small = await store.put(randomBytes(4000), '.png');
      await expect(store.put(randomBytes(200_000), '.png')).rejects.toMatchObject({
        code: 'DISK_FULL',
        message: expect.stringContaining('Disk is full'),
      });
      expect(await allFiles(fs.dir)).toEqual([`${small.sha256}.png`]);
      expect(sha256Hex(await readFile(small.path))).toBe(small.sha256);
    } finally {
      fs.unmount();
    }
  });

  it('on a real read-only filesystem: DB_READONLY', async (ctx) => {
    const fs = mountTmpfs(64);
    if (!fs) return ctx.skip(TMPFS_SKIP_MESSAGE);
    try {
      fs.remountReadOnly();
      await expect(new BlobStore(join(fs.dir, 'blobs')).put(randomBytes(10), '.png')).rejects.toMatchObject({ code: 'DB_READONLY' });
    } finally {
      fs.unmount();
    }
  });
});
