import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CameraRoots } from '../../../host/camera/camera-roots';
import { CameraSessions } from '../../../host/camera/camera-sessions';
import { BlobStore } from '../../../host/store/blob-store';
import { errorOf } from '../../support/error-of';
import { partPng, writeGoldenFolder } from '../fixtures/images';

/**
 * folder: and file: sources may only name paths inside the allowed roots, checked after realpath;
 * a client learns nothing about paths outside them (missing and forbidden read the same).
 */
let dir: string;
let allowed: string;
let outside: string;
let settings: string;
let cameras: CameraSessions;

beforeEach(async () => {
  // Real paths: roots are kept resolved, and tmpdir may be a symlink.
  dir = await realpath(await mkdtemp(join(tmpdir(), 'camera-roots-')));
  allowed = await writeGoldenFolder(join(dir, 'line', 'cam1'), 2);
  outside = await writeGoldenFolder(join(dir, 'private'), 2);
  settings = join(dir, 'data', 'camera-roots.json');
  cameras = new CameraSessions(new BlobStore(join(dir, 'blobs')), new CameraRoots(settings, [allowed]));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const refusal = (kind: string) => ({ code: 'NOT_FOUND', message: `No such camera ${kind} in the folders allowed for camera sources on this station` });

describe('camera roots', () => {
  it('opens and plays a folder and a file inside an allowed root', async () => {
    const folder = await cameras.open(`folder:${allowed}`, 'c');
    expect((await cameras.read(folder.sessionId, true, 'c')).name).toBe('good_01.png');
    const file = await cameras.open(`file:${join(allowed, 'good_00.png')}`, 'c');
    expect((await cameras.read(file.sessionId, false, 'c')).name).toBe('good_00.png');
  });

  it('refuses a path that leaves the root with ..', async () => {
    for (const spec of [`folder:${allowed}/../../private`, `folder:${allowed}/..`, `file:${allowed}/../../private/good_00.png`]) {
      await expect(cameras.open(spec, 'c'), spec).rejects.toMatchObject(refusal(spec.startsWith('file:') ? 'file' : 'folder'));
    }
  });

  it('refuses a symlink out of an allowed root, to a folder or to a file', async () => {
    await symlink(outside, join(allowed, 'escape'));
    await symlink(join(outside, 'good_00.png'), join(allowed, 'escape.png'));
    await expect(cameras.open(`folder:${join(allowed, 'escape')}`, 'c')).rejects.toMatchObject(refusal('folder'));
    await expect(cameras.open(`file:${join(allowed, 'escape.png')}`, 'c')).rejects.toMatchObject(refusal('file'));
    // The folder itself is allowed; the link it holds is still not read.
    const s = await cameras.open(`folder:${allowed}`, 'c');
    expect(s.frames).toBe(3);
    await expect(cameras.read(s.sessionId, false, 'c')).rejects.toMatchObject(refusal('folder'));
  });

  it('allows a symlink that stays inside an allowed root', async () => {
    await mkdir(join(allowed, 'sub'));
    await writeFile(join(allowed, 'sub', 'part.png'), await partPng(3));
    await symlink(join(allowed, 'sub'), join(allowed, 'alias'));
    const s = await cameras.open(`folder:${join(allowed, 'alias')}`, 'c');
    expect((await cameras.read(s.sessionId, false, 'c')).name).toBe('part.png');
  });

  it('gives the same error for a missing path and a forbidden one', async () => {
    const pairs: Array<[string, string]> = [
      [`folder:${join(allowed, 'no-such-folder')}`, `folder:${outside}`],
      [`folder:${join(dir, 'no-such-folder')}`, `folder:${outside}`],
      [`file:${join(allowed, 'no-such.png')}`, `file:${join(outside, 'good_00.png')}`],
      ['folder:/definitely/not/here', 'folder:/etc'],
      ['file:/definitely/not/here.png', 'file:/etc/hostname'],
    ];
    for (const [missing, forbidden] of pairs) {
      const a = await errorOf(cameras.open(missing, 'c'));
      const b = await errorOf(cameras.open(forbidden, 'c'));
      expect([a.code, a.message], `${missing} vs ${forbidden}`).toEqual([b.code, b.message]);
      expect(a.message).not.toContain('/');
    }
  });

  it('allows folders an engineer configured, persisted in the data dir', async () => {
    const roots = new CameraRoots(settings, []);
    const sessions = new CameraSessions(new BlobStore(join(dir, 'blobs')), roots);
    await expect(sessions.open(`folder:${outside}`, 'c')).rejects.toMatchObject(refusal('folder'));
    expect(await roots.set([outside, `${outside}/.`])).toEqual([outside]);
    expect(JSON.parse(await readFile(settings, 'utf8'))).toEqual({ version: 1, roots: [outside] });
    expect((await sessions.open(`folder:${outside}`, 'c')).frames).toBe(2);
    expect((await sessions.sources()).map((s) => s.spec)).toContain(`folder:${outside}`);
    // A host started later reads them back.
    expect(await new CameraRoots(settings, []).configured()).toEqual([outside]);
  });

  it('refuses to configure a folder that does not exist, and changes nothing', async () => {
    const roots = new CameraRoots(settings, []);
    await roots.set([allowed]);
    await expect(roots.set([join(dir, 'nope')])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('does not exist') });
    await expect(roots.set([join(allowed, 'good_00.png')])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('not a folder') });
    expect(await roots.configured()).toEqual([allowed]);
    expect(await new CameraRoots(settings, []).configured()).toEqual([allowed]);
  });

  it('uses no configured folder when the settings file is damaged, and says why', async () => {
    await mkdir(join(dir, 'data'));
    for (const body of ['{not json', JSON.stringify({ version: 1, roots: [outside], extra: true }), JSON.stringify({ version: 2, roots: [] })]) {
      await writeFile(settings, body);
      const roots = new CameraRoots(settings, [allowed]);
      expect(await roots.configured()).toEqual([]);
      expect(await roots.warning()).toMatch(/camera-roots\.json .*(not valid JSON|damaged)/);
      await expect(new CameraSessions(new BlobStore(join(dir, 'blobs')), roots).open(`folder:${outside}`, 'c')).rejects.toMatchObject(refusal('folder'));
    }
  });
});
