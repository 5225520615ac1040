import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { CameraFrame, CameraSession, CameraSourceInfo } from '../../common/api';
import { StationError } from '../../common/errors';
import { decodeImage, MAX_IMAGE_FILE_BYTES } from '../imaging/decode';
import type { BlobStore } from '../store/blob-store';
import { blobExtension, listImageFiles } from './folder-listing';

interface Session {
  spec: string;
  dir: string | null;
  files: string[];
  index: number;
}

/** At most this many sources open at once; a UI that leaks sessions gets a clear error, not a leak. */
const MAX_SESSIONS = 32;

/**
 * Host-side camera sources `folder:DIR` and `file:IMAGE`. Each frame read is put in the blob store
 * and handed out by hash. `webcam` frames never reach the host as a source: the UI captures them and
 * uploads the bytes with `inspect`.
 */
export class CameraSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly blobs: BlobStore,
    private readonly configured: readonly string[] = [],
  ) {}

  sources(): CameraSourceInfo[] {
    const list: CameraSourceInfo[] = [{ spec: 'webcam', label: 'Webcam (captured by the UI)', kind: 'webcam' }];
    for (const spec of this.configured) {
      const kind = spec.startsWith('folder:') ? 'folder' : spec.startsWith('file:') ? 'file' : 'webcam';
      list.push({ spec, label: `${kind === 'folder' ? 'Folder' : 'File'} ${spec.slice(spec.indexOf(':') + 1)}`, kind });
    }
    return list;
  }

  async open(spec: string): Promise<CameraSession> {
    if (this.sessions.size >= MAX_SESSIONS) {
      throw new StationError('UNAVAILABLE', `Too many camera sessions open (${MAX_SESSIONS}); close one first`);
    }
    let session: Session;
    if (spec.startsWith('folder:')) {
      const dir = resolve(spec.slice('folder:'.length));
      const files = await listImageFiles(dir);
      if (files.length === 0) throw new StationError('NOT_FOUND', `Camera folder ${dir} has no PNG, JPEG, BMP or TIFF images`);
      session = { spec, dir, files, index: 0 };
    } else if (spec.startsWith('file:')) {
      session = { spec, dir: null, files: [resolve(spec.slice('file:'.length))], index: 0 };
      await this.checkFile(session.files[0] as string);
    } else {
      throw new StationError('INVALID_INPUT', 'Webcam frames are captured by the UI and sent with inspect; open folder:DIR or file:IMAGE here');
    }
    const sessionId = randomUUID();
    this.sessions.set(sessionId, session);
    return { sessionId, label: spec, frames: session.files.length };
  }

  /**
   * The frame at the session's position; `advance` first moves to the next image (staying on the
   * last one). `ended` is true on the last image of the source.
   * @throws StationError('UNAVAILABLE') when the folder or file has gone away.
   */
  async read(sessionId: string, advance: boolean): Promise<CameraFrame> {
    const s = this.session(sessionId);
    if (advance && s.index < s.files.length - 1) s.index++;
    const path = s.files[s.index] as string;
    const bytes = await this.readSourceFile(s, path);
    const image = await decodeImage(bytes);
    const blob = await this.blobs.put(bytes, blobExtension(path));
    return {
      sha256: blob.sha256,
      index: s.index,
      name: basename(path),
      width: image.width,
      height: image.height,
      ended: s.index === s.files.length - 1,
    };
  }

  close(sessionId: string): void {
    this.session(sessionId);
    this.sessions.delete(sessionId);
  }

  private session(id: string): Session {
    const s = this.sessions.get(id);
    if (!s) throw new StationError('NOT_FOUND', `No open camera session ${id}`);
    return s;
  }

  private async checkFile(path: string): Promise<number> {
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new StationError('INVALID_INPUT', `Not a file: ${path}`);
      return st.size;
    } catch (err) {
      if (err instanceof StationError) throw err;
      throw new StationError('UNAVAILABLE', `Camera source is not available: ${path}`, { cause: err });
    }
  }

  private async readSourceFile(s: Session, path: string): Promise<Uint8Array> {
    if (s.dir !== null) {
      try {
        await stat(s.dir);
      } catch (err) {
        throw new StationError('UNAVAILABLE', `Camera folder ${s.dir} has disappeared`, { cause: err });
      }
    }
    const size = await this.checkFile(path);
    if (size > MAX_IMAGE_FILE_BYTES) throw new StationError('BAD_IMAGE', `${path} is larger than the 256 MB limit`);
    try {
      return await readFile(path);
    } catch (err) {
      throw new StationError('UNAVAILABLE', `Could not read camera image ${path}`, { cause: err });
    }
  }
}
