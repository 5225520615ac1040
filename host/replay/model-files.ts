import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ModelFile } from '../../common/api';

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

/**
 * Every file of a recipe version's expert folder by sha256. The folder is written once at fit
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
  for (const file of files) out.push({ role: 'expert', name: relative(expertDir, file), sha256: await sha256File(file) });
  return out;
}
