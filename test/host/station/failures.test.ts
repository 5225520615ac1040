import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { integrityCheck, openDatabase } from '../../../db/open';
import { fileSystemError, writeFileAtomic } from '../../../host/store/atomic-write';
import { openStation, type Station, type StationOptions } from '../../../host/station';
import { partPng } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { openStationWithRecipe, uploadFrame } from '../fixtures/station-with-recipe';
import { mountTmpfs, TMPFS_SKIP_MESSAGE } from '../fixtures/tmpfs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fail-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function stationWithRecipe(dataDir: string, extra: Partial<StationOptions> = {}): Promise<Station> {
  return openStationWithRecipe({ dataDir, ...extra }, { name: 'part', workDir: dir, goldenCount: 3, author: 'eng' });
}

async function inspect(station: Station, seed: number): Promise<Results['inspect']> {
  return (await station.call('inspect', { recipe: 'part', frame: uploadFrame(await partPng(seed)) })) as Results['inspect'];
}

async function recentIds(station: Station): Promise<string[]> {
  return ((await station.call('inspections.recent', { limit: 100 })) as Results['inspections.recent']).map((r) => r.id);
}

describe('a locked database', () => {
  it('fails the inspection with DB_LOCKED after the busy timeout, then works once released', async () => {
    const station = await stationWithRecipe(join(dir, 'data'), { busyTimeoutMs: 150 });
    try {
      const first = await inspect(station, 1);
      const other = openDatabase(station.layout.database);
      other.prepare('BEGIN IMMEDIATE').run();
      try {
        const err = await inspect(station, 2).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'DB_LOCKED', message: expect.stringContaining('locked by another program') });
        expect((err as Error).message).not.toMatch(/\n|at /);
        await expect(station.call('instructions.add', { recipe: 'part', text: 'x' })).rejects.toMatchObject({ code: 'DB_LOCKED' });
      } finally {
        other.prepare('ROLLBACK').run();
        other.close();
      }
      const third = await inspect(station, 3);
      expect(await recentIds(station)).toEqual([third.id, first.id]);
    } finally {
      await station.close();
    }
  });
});

describe('a full disk', () => {
  it('injected at the write seam: DISK_FULL, nothing recorded, earlier inspections unchanged', async () => {
    let full = false;
    const writeFileSeam = async (path: string, data: Uint8Array) => {
      if (full) throw fileSystemError(Object.assign(new Error('no space'), { code: 'ENOSPC' }), path);
      await writeFileAtomic(path, data);
    };
    const station = await stationWithRecipe(join(dir, 'data'), { writeFile: writeFileSeam });
    try {
      const first = await inspect(station, 1);
      full = true;
      await expect(inspect(station, 2)).rejects.toMatchObject({ code: 'DISK_FULL', message: expect.stringContaining('Disk is full') });
      expect(await recentIds(station)).toEqual([first.id]);
      expect(((await station.call('inspections.get', { id: first.id })) as Results['inspections.get']).score).toBe(first.score);
    } finally {
      await station.close();
    }
  });

  it('on a real full tmpfs: DISK_FULL, nothing half-written, database intact', async (ctx) => {
    const fs = mountTmpfs(4096);
    if (!fs) return ctx.skip(TMPFS_SKIP_MESSAGE);
    try {
      const station = await stationWithRecipe(join(fs.dir, 'data'));
      try {
        const first = await inspect(station, 1);
        // Fill the disk, leaving a few kB: less than the noisy image below needs.
        const filler = join(fs.dir, 'filler');
        await writeFile(filler, Buffer.alloc(0));
        for (;;) {
          const ok = await writeFile(filler, Buffer.alloc(64 * 1024), { flag: 'a' }).then(() => true, () => false);
          if (!ok) break;
        }
        const noisy = await sharp(randomBytes(256 * 256 * 3), { raw: { width: 256, height: 256, channels: 3 } }).png().toBuffer();
        await expect(station.call('inspect', { recipe: 'part', frame: uploadFrame(noisy) })).rejects.toMatchObject({ code: 'DISK_FULL' });
        await rm(filler);
        expect(await recentIds(station)).toEqual([first.id]);
      } finally {
        await station.close();
      }
      const db = openDatabase(join(fs.dir, 'data', 'station.db'));
      expect(integrityCheck(db)).toBe('ok');
      db.close();
    } finally {
      fs.unmount();
    }
  });
});

describe('a read-only data folder', () => {
  it('refuses to open with DB_READONLY and one sentence', async (ctx) => {
    const fs = mountTmpfs(4096);
    if (!fs) return ctx.skip(TMPFS_SKIP_MESSAGE);
    try {
      const station = await stationWithRecipe(join(fs.dir, 'data'));
      await inspect(station, 1);
      await station.close();
      fs.remountReadOnly();
      const err = await openStation({ dataDir: join(fs.dir, 'data'), device: 'cpu', experts: meanImageBackend }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'DB_READONLY' });
      expect((err as Error).message).not.toMatch(/\n/);
    } finally {
      fs.unmount();
    }
  });
});
