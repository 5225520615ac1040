import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CameraSessions } from '../../../host/camera/camera-sessions';
import { BlobStore, sha256Hex } from '../../../host/store/blob-store';
import { partPng, writeGoldenFolder } from '../fixtures/images';

let dir: string;
let cameras: CameraSessions;
let blobs: BlobStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'camera-'));
  blobs = new BlobStore(join(dir, 'blobs'));
  cameras = new CameraSessions(blobs, ['folder:/line/cam1', 'file:/line/part.png']);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CameraSessions', () => {
  it('lists the webcam and the configured sources', () => {
    expect(cameras.sources().map((s) => [s.spec, s.kind])).toEqual([
      ['webcam', 'webcam'],
      ['folder:/line/cam1', 'folder'],
      ['file:/line/part.png', 'file'],
    ]);
  });

  it('plays a file: source as one frame, stored by content hash', async () => {
    const png = await partPng(4);
    await writeFile(join(dir, 'part.png'), png);
    const s = await cameras.open(`file:${join(dir, 'part.png')}`);
    expect(s.frames).toBe(1);
    const f = await cameras.read(s.sessionId, true);
    expect(f).toMatchObject({ index: 0, name: 'part.png', width: 64, height: 64, ended: true, sha256: sha256Hex(png) });
    expect(blobs.pathOf(f.sha256)).toMatch(/\.png$/);
  });

  it('plays a folder in name order, skipping non-images, then stays on the last frame as ended', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 3);
    await writeFile(join(cam, 'README.txt'), 'x');
    const s = await cameras.open(`folder:${cam}`);
    const names: Array<[string, boolean]> = [];
    for (let i = 0; i < 4; i++) {
      const f = await cameras.read(s.sessionId, i > 0);
      names.push([f.name, f.ended]);
    }
    expect(names).toEqual([
      ['good_00.png', false],
      ['good_01.png', false],
      ['good_02.png', true],
      ['good_02.png', true],
    ]);
  });

  it('refuses webcam, empty and missing sources, unknown and closed sessions', async () => {
    await expect(cameras.open('webcam')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('captured by the UI') });
    await expect(cameras.open(`folder:${join(dir, 'nowhere')}`)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(cameras.open(`file:${join(dir, 'nowhere.png')}`)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(cameras.open(`folder:${dir}`)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no PNG') });
    await expect(cameras.read('nope', false)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const s = await cameras.open(`folder:${await writeGoldenFolder(join(dir, 'c'), 1)}`);
    cameras.close(s.sessionId);
    await expect(cameras.read(s.sessionId, false)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reports UNAVAILABLE when the folder or the next image disappears', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 2);
    const s = await cameras.open(`folder:${cam}`);
    await cameras.read(s.sessionId, false);
    await rm(join(cam, 'good_01.png'));
    await expect(cameras.read(s.sessionId, true)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await rm(cam, { recursive: true });
    await expect(cameras.read(s.sessionId, false)).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('disappeared') });
  });

  it('bounds the number of open sessions', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 1);
    for (let i = 0; i < 32; i++) await cameras.open(`folder:${cam}`);
    await expect(cameras.open(`folder:${cam}`)).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('Too many') });
  });
});
