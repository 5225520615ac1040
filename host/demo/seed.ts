import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecipeSummary } from '../../common/api';
import { StationError } from '../../common/errors';
import { DEFAULT_BACKBONE } from '../models/registry';
import { importModel, listModels } from '../models/store';
import type { RecipeService } from '../recipes/recipe-service';
import { DEMO_RECIPE } from './demo-set';

/**
 * The embedded default: on a station with no recipe yet, create the demo-washer recipe from the
 * shipped golden images, so a fresh install shows a working inspection at once on the demo
 * `folder:` camera (listed from the start through `demoCameraSpec`).
 *
 * The recipe needs the default backbone in the model store. It is never shipped (public weights are
 * fetched or imported, pinned by sha256), so seeding imports it from `MYRIAD_BACKBONE_FILE` when that
 * names a verified copy, and otherwise reports what to run instead of failing the start.
 */

/** The assets as laid out in the repository (dev, `serve`); a packaged app passes its resources path. */
export const REPO_DEMO_ASSETS_DIR = fileURLToPath(new URL('./assets', import.meta.url));

export function demoCameraSpec(assetsDir: string): string {
  return `folder:${join(assetsDir, 'test')}`;
}

export interface DemoSeedTarget {
  dataDir: string;
  recipes: Pick<RecipeService, 'list' | 'create'>;
}

export type DemoSeedResult =
  | { seeded: true; recipe: RecipeSummary; camera: string; backboneImported: boolean }
  | { seeded: false; reason: string };

export interface DemoSeedOptions {
  assetsDir: string;
  /** Verified backbone copies to import when the store has none; default: $MYRIAD_BACKBONE_FILE. */
  backboneFiles?: readonly string[];
}

async function ensureBackbone(dataDir: string, candidates: readonly string[]): Promise<boolean | string> {
  if ((await listModels(dataDir)).some((m) => m.name === DEFAULT_BACKBONE)) return false;
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const info = await importModel(dataDir, file);
    if (info.name === DEFAULT_BACKBONE) return true;
  }
  return (
    `the demo recipe needs the ${DEFAULT_BACKBONE} backbone in the model store: ` +
    'run `npm run models -- import FILE` (or `models fetch`) and start again'
  );
}

/**
 * Seeds the demo recipe when the station has no recipe at all; a station with recipes of its own is
 * left untouched. Expected failures (no backbone, no expert in this build) come back as a reason,
 * for the caller to show as a warning; anything else is a bug and throws.
 */
export async function seedDemoIfEmpty(target: DemoSeedTarget, options: DemoSeedOptions): Promise<DemoSeedResult> {
  if (target.recipes.list().length > 0) return { seeded: false, reason: 'the station already has recipes' };
  const golden = join(options.assetsDir, 'golden');
  if (!existsSync(golden)) return { seeded: false, reason: `the demo images are missing (${golden})` };
  const env = process.env.MYRIAD_BACKBONE_FILE;
  const candidates = options.backboneFiles ?? (env ? [env] : []);
  try {
    const backbone = await ensureBackbone(target.dataDir, candidates);
    if (typeof backbone === 'string') return { seeded: false, reason: backbone };
    const recipe = await target.recipes.create({
      name: DEMO_RECIPE,
      referencesDir: golden,
      expert: 'patchcore',
      prompts: [],
      author: 'demo',
    });
    return { seeded: true, recipe, camera: demoCameraSpec(options.assetsDir), backboneImported: backbone };
  } catch (err) {
    if (err instanceof StationError && err.code !== 'INTERNAL') {
      return { seeded: false, reason: `the demo recipe could not be created: ${err.message}` };
    }
    throw err;
  }
}

/**
 * What the UI should open by default: the demo recipe on the demo camera while the demo is the
 * station's only recipe; nothing once the station has products of its own.
 */
export function demoDefaults(recipes: readonly RecipeSummary[], assetsDir: string): { recipe: string; camera: string } | null {
  if (recipes.length !== 1 || recipes[0]?.name !== DEMO_RECIPE) return null;
  return { recipe: DEMO_RECIPE, camera: demoCameraSpec(assetsDir) };
}
