import { copyFile, mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CameraRoots } from '../../../host/camera/camera-roots';
import { dataLayout } from '../../../host/paths';
import { signIn } from './accounts';
import { BOTTLE } from './paths';
import { serveWithEngineer, type OpenedPage } from './served-page';
import type { ServeProcess } from './serve-process';
import { prepareBottleStation } from './station-fixture';

export interface NewRecipeStation {
  root: string;
  dataDir: string;
  /** The golden folder the New recipe panel fits on, inside the station's allowed camera folders. */
  goldenDir: string;
  serve: ServeProcess;
  opened: OpenedPage;
  page: Page;
}

/**
 * What the New recipe panel's browser tests start from: the bottle station (a camera folder of one
 * broken bottle) served with the engineer `erin`, and a folder of `golden` real bottle goods the
 * fixture's recipe did not use (train/good from index `from`, sorted by name) inside the folders an
 * engineer allowed for camera sources. Close it with `closeAll(opened, serve, root)`.
 */
export async function serveNewRecipeStation(prefix: string, options: { golden: number; from: number; viewport: { width: number; height: number } }): Promise<NewRecipeStation> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const { dataDir, cameraDir } = await prepareBottleStation(root, { golden: 3, camera: { broken_large: 1 } });
  const goldenDir = join(root, 'station-images', 'bottle-goods');
  await mkdir(goldenDir, { recursive: true });
  const goods = (await readdir(join(BOTTLE, 'train', 'good'))).filter((f) => f.endsWith('.png')).sort().slice(options.from, options.from + options.golden);
  for (const f of goods) await copyFile(join(BOTTLE, 'train', 'good', f), join(goldenDir, f));
  await new CameraRoots(dataLayout(dataDir).cameraRoots, []).set([join(root, 'station-images')]);
  const { serve, opened } = await serveWithEngineer(dataDir, cameraDir, options.viewport);
  return { root, dataDir, goldenDir, serve, opened, page: opened.page };
}

/** Signs in as the engineer `erin`, goes to the Recipes screen and opens New recipe with `name` and the golden `folder` filled in. */
export async function openNewRecipe(page: Page, name: string, folder: string): Promise<void> {
  await signIn(page, 'erin', 'engineer-pass-1', 'password');
  await page.evaluate(() => (window.location.hash = '#/recipes'));
  await page.getByTestId('recipes-screen').waitFor();
  await page.getByTestId('new-recipe-open').click();
  await page.getByTestId('new-recipe-name').fill(name);
  await page.getByTestId('new-recipe-folder').fill(folder);
}
