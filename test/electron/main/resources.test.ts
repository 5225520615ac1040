import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellResources } from '../../../electron/main/resources';

const REPO = resolve(__dirname, '..', '..', '..');

describe('shell resources', () => {
  it('finds the demo images and native models in the repository during development', () => {
    const r = shellResources({ appPath: REPO, resourcesPath: '/unused', isPackaged: false });
    expect(r.preload).toBe(join(REPO, 'dist', 'electron', 'preload', 'preload.cjs'));
    expect(r.rendererDir).toBe(join(REPO, 'dist', 'renderer'));
    expect(existsSync(join(r.demoAssetsDir, 'golden', 'golden-01.png'))).toBe(true);
    expect(r.nativeModelsDir).toBe(join(REPO, 'native-models'));
  });

  it('takes them from the extraResources folder of a packaged app, the bundles from the asar', () => {
    const r = shellResources({ appPath: '/opt/Myriad Station/resources/app.asar', resourcesPath: '/opt/Myriad Station/resources', isPackaged: true });
    expect(r.preload).toBe('/opt/Myriad Station/resources/app.asar/dist/electron/preload/preload.cjs');
    expect(r.demoAssetsDir).toBe('/opt/Myriad Station/resources/demo');
    expect(r.nativeModelsDir).toBe('/opt/Myriad Station/resources/native-models');
  });
});
