import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CameraRoots } from '../../../host/camera/camera-roots';
import { CameraSessions, type CameraLimits } from '../../../host/camera/camera-sessions';
import { BlobStore, sha256Hex } from '../../../host/store/blob-store';
import { partPng, writeGoldenFolder } from '../fixtures/images';

let dir: string;
let cameras: CameraSessions;
let blobs: BlobStore;
let clock: number;

/** Sessions over `dir` (the one allowed root) with a clock the test moves. */
function sessions(limits: Partial<CameraLimits> = {}, configured = ['folder:/line/cam1', 'file:/line/part.png']): CameraSessions {
  return new CameraSessions(blobs, new CameraRoots(join(dir, 'camera-roots.json'), [dir]), configured, { limits, now: () => clock });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'camera-'));
  blobs = new BlobStore(join(dir, 'blobs'));
  clock = 1_000_000;
  cameras = sessions();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CameraSessions', () => {
  it('lists the webcam and the configured sources', async () => {
    expect((await cameras.sources()).map((s) => [s.spec, s.kind])).toEqual([
      ['webcam', 'webcam'],
      ['folder:/line/cam1', 'folder'],
      ['file:/line/part.png', 'file'],
    ]);
  });

  it('plays a file: source as one frame, stored by content hash', async () => {
    const png = await partPng(4);
    await writeFile(join(dir, 'part.png'), png);
    const s = await cameras.open(`file:${join(dir, 'part.png')}`, 'a');
    expect(s.frames).toBe(1);
    const f = await cameras.read(s.sessionId, true, 'a');
    expect(f).toMatchObject({ index: 0, name: 'part.png', width: 64, height: 64, ended: true, sha256: sha256Hex(png) });
    expect(blobs.pathOf(f.sha256)).toMatch(/\.png$/);
  });

  it('plays a folder in name order, skipping non-images, then reports its end after the last frame', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 3);
    await writeFile(join(cam, 'README.txt'), 'x');
    const s = await cameras.open(`folder:${cam}`, 'a');
    const names: Array<[string, boolean, boolean]> = [];
    for (let i = 0; i < 5; i++) {
      const f = await cameras.read(s.sessionId, i > 0, 'a');
      names.push([f.name, f.ended, f.exhausted]);
    }
    expect(names).toEqual([
      ['good_00.png', false, false],
      ['good_01.png', false, false],
      ['good_02.png', true, false],
      ['good_02.png', true, true],
      ['good_02.png', true, true],
    ]);
  });

  it('refuses the last image of an ended folder for an inspect, only to its own connection, and hands it out undecoded', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 2);
    const s = await cameras.open(`folder:${cam}`, 'a');
    await cameras.read(s.sessionId, true, 'a');
    const last = await cameras.read(s.sessionId, false, 'a');
    expect(() => cameras.refuseExhausted(last.sha256, 'a')).not.toThrow();
    const end = await cameras.read(s.sessionId, true, 'a');
    expect(end).toMatchObject({ sha256: last.sha256, exhausted: true });
    expect(cameras.takeDecoded(end.sha256, 'a')).toBeNull();
    expect(() => cameras.refuseExhausted(end.sha256, 'a')).toThrow(/End of folder: folder:.* has no image left/);
    expect(() => cameras.refuseExhausted(end.sha256, 'b')).not.toThrow();
  });

  it('never ends a file: source, re-read at every capture', async () => {
    await writeFile(join(dir, 'part.png'), await partPng(4));
    const s = await cameras.open(`file:${join(dir, 'part.png')}`, 'a');
    await cameras.read(s.sessionId, false, 'a');
    const again = await cameras.read(s.sessionId, true, 'a');
    expect(again).toMatchObject({ ended: true, exhausted: false });
    expect(() => cameras.refuseExhausted(again.sha256, 'a')).not.toThrow();
  });

  it('opens a folder at a position, clamped to its last frame', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 3);
    const at1 = await cameras.open(`folder:${cam}`, 'a', 1);
    expect(await cameras.read(at1.sessionId, false, 'a')).toMatchObject({ index: 1, name: 'good_01.png' });
    const past = await cameras.open(`folder:${cam}`, 'a', 99);
    expect(await cameras.read(past.sessionId, false, 'a')).toMatchObject({ index: 2, ended: true });
  });

  it('refuses webcam, empty and missing sources, unknown and closed sessions', async () => {
    await expect(cameras.open('webcam', 'a')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('captured by the UI') });
    await expect(cameras.open(`folder:${join(dir, 'nowhere')}`, 'a')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(cameras.open(`file:${join(dir, 'nowhere.png')}`, 'a')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(cameras.open(`folder:${dir}`, 'a')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no PNG') });
    await expect(cameras.read('nope', false, 'a')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const s = await cameras.open(`folder:${await writeGoldenFolder(join(dir, 'c'), 1)}`, 'a');
    cameras.close(s.sessionId, 'a');
    await expect(cameras.read(s.sessionId, false, 'a')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(cameras.size).toBe(0);
  });

  it('reports UNAVAILABLE when the folder or the next image disappears', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 2);
    const s = await cameras.open(`folder:${cam}`, 'a');
    await cameras.read(s.sessionId, false, 'a');
    await rm(join(cam, 'good_01.png'));
    await expect(cameras.read(s.sessionId, true, 'a')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await rm(cam, { recursive: true });
    await expect(cameras.read(s.sessionId, false, 'a')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('disappeared') });
  });
});

describe('a frame is decoded once', () => {
  it('keeps the decoded frame for the inspect that follows, once, and only for its connection', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 2);
    const s = await cameras.open(`folder:${cam}`, 'a');
    const f = await cameras.read(s.sessionId, false, 'a');
    expect(cameras.takeDecoded(f.sha256, 'b')).toBeNull();
    const decoded = cameras.takeDecoded(f.sha256, 'a');
    expect(decoded?.image).toMatchObject({ width: f.width, height: f.height });
    expect(decoded?.image.data.length).toBe(f.width * f.height * 3);
    expect(cameras.takeDecoded(f.sha256, 'a')).toBeNull();
    // The next read replaces it; closing the session drops it.
    const g = await cameras.read(s.sessionId, true, 'a');
    cameras.close(s.sessionId, 'a');
    expect(cameras.takeDecoded(g.sha256, 'a')).toBeNull();
  });
});

describe('camera sessions belong to a connection', () => {
  it("hides a session from every other connection: it cannot be read or closed there", async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 1);
    const s = await cameras.open(`folder:${cam}`, 'a');
    await expect(cameras.read(s.sessionId, false, 'b')).rejects.toMatchObject({ code: 'NOT_FOUND', message: `No open camera session ${s.sessionId}` });
    expect(() => cameras.close(s.sessionId, 'b')).toThrow(/No open camera session/);
    expect((await cameras.read(s.sessionId, false, 'a')).name).toBe('good_00.png');
  });

  it('closes all sessions of a connection that has gone, and only those', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 1);
    const a1 = await cameras.open(`folder:${cam}`, 'a');
    await cameras.open(`folder:${cam}`, 'a');
    const b = await cameras.open(`folder:${cam}`, 'b');
    expect(cameras.closeConnection('a')).toBe(2);
    expect(cameras.size).toBe(1);
    await expect(cameras.read(a1.sessionId, false, 'a')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await cameras.read(b.sessionId, false, 'b')).index).toBe(0);
  });

  it('caps the sessions of one connection, so others can still open', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 1);
    for (let i = 0; i < 4; i++) await cameras.open(`folder:${cam}`, 'greedy');
    await expect(cameras.open(`folder:${cam}`, 'greedy')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'This connection already has 4 camera sessions open; close one first',
    });
    expect((await cameras.open(`folder:${cam}`, 'other')).frames).toBe(1);
  });

  it('counts opens in flight against the caps', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 1);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => cameras.open(`folder:${cam}`, 'burst')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    expect(cameras.size).toBe(4);
  });

  it('drops an open whose connection closed while the source was being checked', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 1);
    const opening = cameras.open(`folder:${cam}`, 'leaving');
    cameras.closeConnection('leaving');
    await expect(opening).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('connection closed') });
    expect(cameras.size).toBe(0);
  });

  it('bounds the number of open sessions on the host', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam'), 1);
    for (let i = 0; i < 32; i++) await cameras.open(`folder:${cam}`, `client-${i}`);
    await expect(cameras.open(`folder:${cam}`, 'late')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('Too many') });
  });

  it('closes a session not read for the idle time, freeing its slot', async () => {
    cameras = sessions({ maxSessions: 1, idleMs: 60_000 });
    const cam = await writeGoldenFolder(join(dir, 'cam'), 2);
    const s = await cameras.open(`folder:${cam}`, 'a');
    clock += 59_000;
    await cameras.read(s.sessionId, true, 'a');
    clock += 59_000;
    await expect(cameras.open(`folder:${cam}`, 'b')).rejects.toMatchObject({ message: expect.stringContaining('Too many') });
    clock += 1_000;
    await expect(cameras.read(s.sessionId, false, 'a')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await cameras.open(`folder:${cam}`, 'b')).frames).toBe(2);
  });
});
