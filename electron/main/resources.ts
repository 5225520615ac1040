import { join } from 'node:path';

/**
 * Where the shell finds what it serves and hands to the host. In development everything is in the
 * repository (app path = repo root); in a packaged app the renderer and bundles are inside the asar
 * and the model files and demo images are extraResources next to it (electron-builder.yml `to:`).
 */
export interface ShellLocation {
  appPath: string;
  resourcesPath: string;
  isPackaged: boolean;
}

export interface ShellResources {
  rendererDir: string;
  preload: string;
  demoAssetsDir: string;
  nativeModelsDir: string;
}

/** Folder names under the packaged resources; electron-builder.yml must copy to the same names. */
export const PACKAGED_RESOURCE_DIRS = { demo: 'demo', nativeModels: 'native-models' } as const;

export function shellResources(at: ShellLocation): ShellResources {
  const extra = at.isPackaged ? at.resourcesPath : null;
  return {
    rendererDir: join(at.appPath, 'dist', 'renderer'),
    preload: join(at.appPath, 'dist', 'electron', 'preload', 'preload.cjs'),
    demoAssetsDir: extra ? join(extra, PACKAGED_RESOURCE_DIRS.demo) : join(at.appPath, 'host', 'demo', 'assets'),
    nativeModelsDir: extra ? join(extra, PACKAGED_RESOURCE_DIRS.nativeModels) : join(at.appPath, 'native-models'),
  };
}
