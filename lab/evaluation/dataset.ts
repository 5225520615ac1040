import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { StationError } from '../../common/errors';
import { isImageFileName } from '../../host/imaging/decode';

/**
 * Reads a dataset in the MVTec AD layout (docs/contracts.md §Data layout):
 * `NAME/train/good`, `NAME/test/{good,DEFECT...}`, `NAME/ground_truth/DEFECT/<stem>_mask.png`.
 *
 * Handling of incomplete sets (documented in the report's notes):
 * - a defective image without a mask is kept for image metrics and skipped for pixel metrics;
 * - no `ground_truth` folder at all: every defective image is such an image, so the pixel metrics
 *   are null with a reason (good images alone cannot give a pixel AUROC);
 * - a mask with no matching image is ignored with a warning.
 */
export interface TestImage {
  path: string;
  /** Defect folder name, or null for test/good. */
  defect: string | null;
  /** Path of the mask, or null (good image, or defective image without a mask). */
  mask: string | null;
}

export interface Dataset {
  name: string;
  root: string;
  train: string[];
  test: TestImage[];
  defectTypes: string[];
  /** defect folder -> words that count as naming its type (defect_types.json), or null. */
  typeWords: Record<string, string[]> | null;
  warnings: string[];
}

const TypeWords = z.record(z.string().min(1), z.array(z.string().min(1)).min(1));

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function imagesIn(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter(isImageFileName).sort();
  return names.map((n) => join(dir, n));
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function readTypeWords(root: string, defects: string[], warnings: string[]) {
  const path = join(root, 'defect_types.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: Record<string, string[]>;
  try {
    parsed = TypeWords.parse(JSON.parse(text));
  } catch (err) {
    throw new StationError(
      'INVALID_INPUT',
      `${path} must map each defect folder to a non-empty list of words, e.g. {"crack": ["crack"]}`,
      { cause: err },
    );
  }
  for (const d of defects) if (!parsed[d]) warnings.push(`defect_types.json names no words for "${d}"`);
  return parsed;
}

/** @throws StationError('NOT_FOUND') when DIR, train/good or test is missing; ('INVALID_INPUT') when empty. */
export async function readDataset(root: string): Promise<Dataset> {
  if (!(await isDir(root))) throw new StationError('NOT_FOUND', `Dataset folder not found: ${root}`);
  const trainDir = join(root, 'train', 'good');
  const testDir = join(root, 'test');
  if (!(await isDir(trainDir))) {
    throw new StationError('NOT_FOUND', `${root} has no train/good folder (MVTec layout: NAME/train/good, NAME/test/...)`);
  }
  if (!(await isDir(testDir))) throw new StationError('NOT_FOUND', `${root} has no test folder (MVTec layout)`);
  const train = await imagesIn(trainDir);
  if (train.length === 0) throw new StationError('INVALID_INPUT', `${trainDir} holds no images`);

  const warnings: string[] = [];
  const gtRoot = join(root, 'ground_truth');
  const hasGt = await isDir(gtRoot);
  const folders = await subfolders(testDir);
  const defectTypes = folders.filter((f) => f !== 'good');
  if (!hasGt && defectTypes.length > 0) {
    warnings.push('no ground_truth folder: pixel metrics (pixel AUROC, AUPRO) are not computed');
  }
  const test: TestImage[] = [];
  for (const folder of folders) {
    const defect = folder === 'good' ? null : folder;
    const masks = defect && hasGt ? await masksOf(join(gtRoot, defect)) : new Map<string, string>();
    let withoutMask = 0;
    for (const path of await imagesIn(join(testDir, folder))) {
      const stem = basename(path, extname(path));
      const mask = masks.get(stem) ?? null;
      masks.delete(stem);
      if (defect && !mask) withoutMask++;
      test.push({ path, defect, mask });
    }
    if (defect && hasGt && withoutMask > 0) {
      warnings.push(`${withoutMask} image(s) of "${defect}" have no mask: skipped for pixel metrics`);
    }
    for (const stem of masks.keys()) warnings.push(`mask ${defect}/${stem}_mask has no test image: ignored`);
  }
  if (test.length === 0) throw new StationError('INVALID_INPUT', `${testDir} holds no images`);
  return {
    name: basename(root.replace(/[\\/]+$/, '')),
    root,
    train,
    test,
    defectTypes,
    typeWords: await readTypeWords(root, defectTypes, warnings),
    warnings,
  };
}

/** stem of the image -> mask path, from files named `<stem>_mask.<ext>`. */
async function masksOf(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!(await isDir(dir))) return out;
  for (const path of await imagesIn(dir)) {
    const stem = basename(path, extname(path));
    if (stem.endsWith('_mask')) out.set(stem.slice(0, -'_mask'.length), path);
  }
  return out;
}
