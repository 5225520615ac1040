import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StationError } from '../../../common/errors';
import { MyriadSConfig, type MyriadSFile } from './config';

export interface MyriadSExport {
  dir: string;
  config: MyriadSConfig;
  /** Absolute paths of the files of the contract. */
  paths: Record<MyriadSFile, string>;
}

/**
 * Checks a Myriad-S export folder against the file contract of docs/contracts.md §Model files without loading
 * any graph. Throws `StationError('NOT_FOUND')` when the folder has no config.json and
 * `StationError('BAD_MODEL')` when config.json is invalid or a listed file is missing or empty.
 */
export function readMyriadSExport(dir: string): MyriadSExport {
  const configPath = join(dir, 'config.json');
  let raw: string;
  try {
    raw = readFileSync(configPath, 'utf8');
  } catch (cause) {
    throw new StationError('NOT_FOUND', `No Myriad-S export in ${dir}: config.json is missing`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new StationError('BAD_MODEL', `${configPath} is not valid JSON`, { cause });
  }
  const parsed = MyriadSConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'config';
    throw new StationError('BAD_MODEL', `${configPath} is not a Myriad-S config: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const config = parsed.data;
  const paths = {} as Record<MyriadSFile, string>;
  for (const [key, file] of Object.entries(config.files) as Array<[MyriadSFile, string]>) {
    const path = join(dir, file);
    const size = fileSize(path);
    if (size === null || size === 0) {
      throw new StationError('BAD_MODEL', `Myriad-S export in ${dir} is incomplete: ${key} file ${file} is ${size === null ? 'missing' : 'empty'}`);
    }
    paths[key] = path;
  }
  return { dir, config, paths };
}

function fileSize(path: string): number | null {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat?.isFile() ? stat.size : null;
}
