import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { StationError } from '../../common/errors';

export interface ExportFile {
  id: string;
  /** Absolute path of the file. */
  path: string;
  /** The name a download saves it under. */
  fileName: string;
  contentType: string;
  bytes: number;
}

const EXPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.csv': 'text/csv; charset=utf-8',
  '.pdf': 'application/pdf',
};

/**
 * Finished History exports, `ROOT/<id>/<file name>`, kept out of the blob store: blob URLs serve
 * any stored image to whoever holds the server token, while an export is handed out only after
 * the caller's role is checked (Station.exportFile). The id is random, not a content hash, so
 * knowing a file's bytes does not name it.
 */
export class ExportStore {
  constructor(readonly root: string) {}

  /**
   * Moves a finished file into the store under a new id. `file` must be on the same file system
   * (the data dir's tmp folder): the rename is atomic, so the store never holds half an export.
   */
  async adopt(file: string, fileName: string): Promise<ExportFile> {
    const type = CONTENT_TYPES[extname(fileName)];
    if (type === undefined || fileName.includes('/') || fileName.includes('\\')) {
      throw new StationError('INTERNAL', `Not an export file name: ${fileName}`);
    }
    const id = randomUUID();
    const dir = join(this.root, id);
    await mkdir(dir, { recursive: true });
    const path = join(dir, fileName);
    await rename(file, path);
    return { id, path, fileName, contentType: type, bytes: (await stat(path)).size };
  }

  /**
   * The export stored under `id`.
   * @throws StationError('NOT_FOUND') for an id that is malformed or names no finished export.
   */
  async find(id: string): Promise<ExportFile> {
    const missing = new StationError('NOT_FOUND', `No export with id ${id.slice(0, 80)}`);
    if (!EXPORT_ID.test(id)) throw missing;
    const dir = join(this.root, id);
    const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
      throw err;
    });
    // A kill between mkdir and rename leaves the folder empty: no export.
    const fileName = names.find((n) => CONTENT_TYPES[extname(n)] !== undefined);
    if (fileName === undefined) throw missing;
    const path = join(dir, fileName);
    const info = await stat(path);
    return { id, path, fileName, contentType: CONTENT_TYPES[extname(fileName)] as string, bytes: info.size };
  }
}
