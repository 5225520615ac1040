import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StationError } from '../../common/errors';
import { writeFileAtomic } from './atomic-write';

/** The write function the store uses; injectable so tests can simulate a full disk at the seam. */
export type WriteFile = (path: string, data: Uint8Array) => Promise<void>;

export interface StoredBlob {
  sha256: string;
  /** Absolute path of the file. */
  path: string;
  /** Path relative to the blob root, as stored in the database. */
  relPath: string;
  sizeBytes: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Content-addressed files: `ROOT/ab/abcdef...<ext>`, named by the sha256 of their bytes and written
 * atomically, so a crash leaves either no file or the complete one, and writing the same bytes twice
 * is a no-op.
 */
export class BlobStore {
  constructor(
    readonly root: string,
    private readonly write: WriteFile = writeFileAtomic,
  ) {}

  relPathOf(sha256: string, ext: string): string {
    return join(sha256.slice(0, 2), `${sha256}${ext}`);
  }

  /**
   * Stores `bytes` (e.g. ext '.png') and returns its hash and paths.
   * @throws StationError('DISK_FULL' | 'DB_READONLY') from the atomic write; nothing half-written remains.
   */
  async put(bytes: Uint8Array, ext: string): Promise<StoredBlob> {
    const sha256 = sha256Hex(bytes);
    const relPath = this.relPathOf(sha256, ext);
    const path = join(this.root, relPath);
    if (!(await exists(path))) await this.write(path, bytes);
    return { sha256, path, relPath, sizeBytes: bytes.length };
  }

  /** The absolute path of a stored blob, or null when no file for `sha256` exists. */
  async find(sha256: string): Promise<string | null> {
    if (!SHA256.test(sha256)) throw new StationError('INVALID_INPUT', `Not a sha256: ${sha256.slice(0, 80)}`);
    for (const ext of BLOB_EXTENSIONS) {
      const path = join(this.root, this.relPathOf(sha256, ext));
      if (await exists(path)) return path;
    }
    return null;
  }

  /**
   * The stored image for a blob URL (the `serve` route, Electron's blob protocol); synchronous for
   * protocol handlers. Images only: a `.bin` left by an older version's export is not served.
   * @throws StationError('NOT_FOUND') when absent.
   */
  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new StationError('INVALID_INPUT', `Not a sha256: ${sha256.slice(0, 80)}`);
    for (const ext of IMAGE_EXTENSIONS) {
      const path = join(this.root, this.relPathOf(sha256, ext));
      if (existsSync(path)) return path;
    }
    throw new StationError('NOT_FOUND', `No stored file with sha256 ${sha256}`);
  }

  /**
   * Removes temp files that a killed write left behind (`.NAME.RANDOM.tmp`, see atomic-write.ts).
   * Only files older than `minAgeMs`: another process (CLI next to the app) may be writing now.
   * @returns how many were removed.
   */
  async sweepStaleTemp(minAgeMs = 60 * 60 * 1000, now = Date.now()): Promise<number> {
    let entries;
    try {
      entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let removed = 0;
    for (const e of entries) {
      if (!e.isFile() || !/^\..+\.[0-9a-f]{12}\.tmp$/.test(e.name)) continue;
      const path = join(e.parentPath, e.name);
      const st = await stat(path).catch(() => null);
      if (st === null || now - st.mtimeMs < minAgeMs) continue;
      await rm(path, { force: true });
      removed++;
    }
    return removed;
  }

  /** Reads a blob and checks its bytes still hash to its name. */
  async read(sha256: string): Promise<Uint8Array> {
    const path = await this.find(sha256);
    if (path === null) throw new StationError('NOT_FOUND', `No stored image with sha256 ${sha256}`);
    const bytes = await readFile(path);
    if (sha256Hex(bytes) !== sha256) throw new StationError('INTERNAL', `Stored file ${path} does not match its sha256`);
    return bytes;
  }
}

/** Image extensions the station writes; blob URLs serve only these. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.bmp', '.tif'] as const;
/** What `find` looks for: images, and `.bin` files that older versions wrote for exports. */
export const BLOB_EXTENSIONS = [...IMAGE_EXTENSIONS, '.bin'] as const;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
