import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StationError } from '../../common/errors';
import { isImageFileName } from '../imaging/decode';

/** The image files of `dir` in name order (plain code-point order, stable across platforms). */
export async function listImageFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new StationError('INVALID_INPUT', `Not a folder: ${dir}`);
    names = await readdir(dir);
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw new StationError('UNAVAILABLE', `Camera folder is not available: ${dir}`, { cause: err });
  }
  return names.filter(isImageFileName).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((n) => join(dir, n));
}
