import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ModelFile } from '../../common/api';
import type { AdaptationRow } from '../../db/repositories/recipe-adaptations';

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The dialog model's visual adaptation files (host/recipes/recipe-adaptations.ts): listed on their own, per version. */
export const ADAPTATION_FILE = /^visual-adaptation-v\d+\.bin$/;

/**
 * Every file of a recipe version's expert folder by sha256, but the versions' adaptation files. The folder is written once at fit
 * time and shared by later versions of the same fit; a missing folder is reported, not hidden.
 */
export async function expertFiles(expertDir: string): Promise<ModelFile[]> {
  let files: string[];
  try {
    files = await filesUnder(expertDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [{ role: 'expert', name: `${expertDir} (missing)`, sha256: null }];
    throw err;
  }
  const out: ModelFile[] = [];
  for (const file of files) {
    const name = relative(expertDir, file);
    if (!ADAPTATION_FILE.test(name)) out.push({ role: 'expert', name, sha256: await sha256File(file) });
  }
  return out;
}

/**
 * A recipe version's recorded visual adaptation as its file is now: its sha256 (compare with the
 * record's to see a changed file), null when it is gone; an unfit one names its reason; none
 * recorded (a model that reads raw features, or a version not yet used), nothing.
 */
export async function adaptationFiles(expertDir: string, row: AdaptationRow | null): Promise<ModelFile[]> {
  if (row === null) return [];
  if (row.status === 'unfit') return [{ role: 'adaptation', name: `not fitted: ${row.reason}`, sha256: null }];
  try {
    return [{ role: 'adaptation', name: row.file, sha256: await sha256File(join(expertDir, row.file)) }];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [{ role: 'adaptation', name: `${row.file} (missing)`, sha256: null }];
    throw err;
  }
}
