import { realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { openStation, type Station } from '../../../host/station';
import { PASSWORDS, stationWithUsers } from '../accounts/users-fixture';
import { writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';

/** camera.setRoots through the real host: engineers only, persisted, audited, and what it allows. */
let station: Station;
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ station, dir, cleanup } = await stationWithUsers());
});
afterEach(async () => cleanup());

async function login(name: string, password: string): Promise<string> {
  return ((await station.call('auth.login', { name, password })) as Results['auth.login']).token;
}

describe('camera.setRoots', () => {
  it('is refused to operators and supervisors, and changes nothing', async () => {
    const line = await writeGoldenFolder(join(dir, 'line'), 1);
    await expect(station.call('camera.setRoots', { roots: [line] })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('needs an engineer') });
    const supervisor = await login('supervisor1', PASSWORDS.supervisor);
    await expect(station.call('camera.setRoots', { roots: [line] }, { session: supervisor })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(station.call('camera.roots', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(station.call('camera.open', { spec: `folder:${line}` })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets an engineer allow a folder: operators can then open it, the change is audited and kept', async () => {
    // Roots are kept resolved: compare with the real path (tmpdir may be a symlink).
    const line = await realpath(await writeGoldenFolder(join(dir, 'line'), 2));
    const engineer = await login('engineer1', PASSWORDS.engineer);
    const set = (await station.call('camera.setRoots', { roots: [line] }, { session: engineer })) as Results['camera.setRoots'];
    expect(set).toEqual({ roots: [line], startup: [] });
    const opened = (await station.call('camera.open', { spec: `folder:${line}` })) as Results['camera.open'];
    expect(opened.frames).toBe(2);
    const sources = (await station.call('camera.sources', {})) as Results['camera.sources'];
    expect(sources.map((s) => s.spec)).toContain(`folder:${line}`);
    const supervisor = await login('supervisor1', PASSWORDS.supervisor);
    const audit = (await station.call('audit.list', { limit: 50 }, { session: supervisor })) as Results['audit.list'];
    expect(audit.filter((a) => a.action === 'camera.roots').map((a) => [a.actor, a.details])).toEqual([['engineer1', { from: [], to: [line] }]]);

    await station.close();
    station = await openStation({ dataDir: join(dir, 'data'), device: 'cpu', experts: meanImageBackend, lmmDir: null });
    expect(((await station.call('camera.open', { spec: `file:${join(line, 'good_01.png')}` })) as Results['camera.open']).frames).toBe(1);
  });

  it('refuses paths that are not absolute at the edge', async () => {
    const engineer = await login('engineer1', PASSWORDS.engineer);
    await expect(station.call('camera.setRoots', { roots: ['relative/dir'] }, { session: engineer })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('absolute path'),
    });
  });

  it('reports a damaged settings file in status and allows none of its folders', async () => {
    const line = await writeGoldenFolder(join(dir, 'line'), 1);
    await station.close();
    await writeFile(join(dir, 'data', 'camera-roots.json'), JSON.stringify({ version: 1, roots: line }));
    station = await openStation({ dataDir: join(dir, 'data'), device: 'cpu', experts: meanImageBackend, lmmDir: null });
    const status = (await station.call('status.get', {})) as Results['status.get'];
    expect(status.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/camera-roots\.json are damaged \(roots: /)]));
    await expect(station.call('camera.open', { spec: `folder:${line}` })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
