import { randomUUID } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CameraFrame, CameraSession, CameraSourceInfo } from '../../common/api';
import { StationError } from '../../common/errors';
import { decodeImageFileBytes, MAX_IMAGE_FILE_BYTES } from '../imaging/decode';
import { IMAGE_TYPES } from '../imaging/image-type';
import type { BlobStore } from '../store/blob-store';
import { sourceNotAvailable, type CameraRoots } from './camera-roots';
import { listImageFiles } from './folder-listing';

interface Session {
  /** The connection that opened it (a WebSocket, an Electron page load, or in-process callers). */
  owner: string;
  spec: string;
  dir: string | null;
  files: string[];
  index: number;
  /** Clock time of the last open or read, for idle expiry. */
  usedAt: number;
  /** False while open() checks the source: the slot is held so concurrent opens respect the caps. */
  ready: boolean;
}

export interface CameraLimits {
  /** Sessions open at once on the host: a UI that leaks them gets a clear error, not a leak. */
  maxSessions: number;
  /** Sessions one connection may hold, so one client cannot take the whole pool. */
  maxPerConnection: number;
  /** A session not read for this long is closed (a page that vanished without closing it). */
  idleMs: number;
}

export const DEFAULT_CAMERA_LIMITS: CameraLimits = { maxSessions: 32, maxPerConnection: 4, idleMs: 15 * 60_000 };

/**
 * Host-side camera sources `folder:DIR` and `file:IMAGE`, limited to the allowed roots
 * (camera-roots.ts). Each frame read is put in the blob store and handed out by hash. `webcam`
 * frames never reach the host as a source: the UI captures them and uploads the bytes with `inspect`.
 *
 * Sessions belong to the connection that opened them: only it may read or close them, and they end
 * with it (`closeConnection`), when idle too long, or on `close`.
 */
export class CameraSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly limits: CameraLimits;
  private readonly now: () => number;

  constructor(
    private readonly blobs: BlobStore,
    private readonly roots: CameraRoots,
    private readonly configured: readonly string[] = [],
    options: { limits?: Partial<CameraLimits>; now?: () => number } = {},
  ) {
    this.limits = { ...DEFAULT_CAMERA_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
  }

  /** The webcam, the sources configured at start-up and the folders an engineer allowed. */
  async sources(): Promise<CameraSourceInfo[]> {
    const list: CameraSourceInfo[] = [{ spec: 'webcam', label: 'Webcam (captured by the UI)', kind: 'webcam' }];
    const specs = [...this.configured, ...(await this.roots.configured()).map((dir) => `folder:${dir}`)];
    for (const spec of new Set(specs)) {
      const kind = spec.startsWith('folder:') ? 'folder' : spec.startsWith('file:') ? 'file' : 'webcam';
      list.push({ spec, label: `${kind === 'folder' ? 'Folder' : 'File'} ${spec.slice(spec.indexOf(':') + 1)}`, kind });
    }
    return list;
  }

  /**
   * Opens a source for `owner`, positioned at frame `position` (clamped to the last frame).
   * @throws StationError('NOT_FOUND') with one message for a path that is missing or outside the
   *   allowed roots; ('UNAVAILABLE') when the host or this connection has too many sessions open.
   */
  async open(spec: string, owner: string, position = 0): Promise<CameraSession> {
    this.expireIdle();
    this.checkCapacity(owner);
    const sessionId = randomUUID();
    this.sessions.set(sessionId, { owner, spec, dir: null, files: [], index: 0, usedAt: this.now(), ready: false });
    try {
      const source = await this.resolve(spec);
      const held = this.sessions.get(sessionId);
      // closeConnection ran while the source was being checked: the connection is gone.
      if (!held) throw new StationError('UNAVAILABLE', 'The connection closed while the camera was opening');
      Object.assign(held, source, { index: Math.min(position, source.files.length - 1), usedAt: this.now(), ready: true });
      return { sessionId, label: spec, frames: source.files.length };
    } catch (err) {
      this.sessions.delete(sessionId);
      throw err;
    }
  }

  /**
   * The frame at the session's position; `advance` first moves to the next image (staying on the
   * last one). `ended` is true on the last image of the source.
   * @throws StationError('NOT_FOUND') for a session that is closed, expired or another connection's;
   *   ('UNAVAILABLE') when the folder or file has gone away; ('BAD_IMAGE') for an unreadable image.
   */
  async read(sessionId: string, advance: boolean, owner: string): Promise<CameraFrame> {
    this.expireIdle();
    const s = this.session(sessionId, owner);
    s.usedAt = this.now();
    if (advance && s.index < s.files.length - 1) s.index++;
    const path = s.files[s.index] as string;
    const bytes = await this.readSourceFile(s, path);
    const { image, type } = await decodeImageFileBytes(bytes, path);
    const blob = await this.blobs.put(bytes, IMAGE_TYPES[type].ext);
    return {
      sha256: blob.sha256,
      index: s.index,
      name: basename(path),
      width: image.width,
      height: image.height,
      ended: s.index === s.files.length - 1,
    };
  }

  /** @throws StationError('NOT_FOUND') for a session that is not open for `owner`. */
  close(sessionId: string, owner: string): void {
    this.session(sessionId, owner);
    this.sessions.delete(sessionId);
  }

  /** Closes every session of a connection that has gone (socket closed, page reloaded or closed). */
  closeConnection(owner: string): number {
    let closed = 0;
    for (const [id, s] of this.sessions) {
      if (s.owner !== owner) continue;
      this.sessions.delete(id);
      closed++;
    }
    return closed;
  }

  /** Sessions open now, reservations included (tests watch it). */
  get size(): number {
    return this.sessions.size;
  }

  private expireIdle(): void {
    const oldest = this.now() - this.limits.idleMs;
    for (const [id, s] of this.sessions) if (s.ready && s.usedAt <= oldest) this.sessions.delete(id);
  }

  private checkCapacity(owner: string): void {
    const { maxSessions, maxPerConnection } = this.limits;
    let mine = 0;
    for (const s of this.sessions.values()) if (s.owner === owner) mine++;
    if (mine >= maxPerConnection) {
      throw new StationError('UNAVAILABLE', `This connection already has ${maxPerConnection} camera sessions open; close one first`);
    }
    if (this.sessions.size >= maxSessions) {
      throw new StationError('UNAVAILABLE', `Too many camera sessions open (${maxSessions}); close one first`);
    }
  }

  private session(id: string, owner: string): Session {
    const s = this.sessions.get(id);
    // Another connection's session reads as absent: its id tells a client nothing.
    if (!s || !s.ready || s.owner !== owner) throw new StationError('NOT_FOUND', `No open camera session ${id}`);
    return s;
  }

  private async resolve(spec: string): Promise<{ dir: string | null; files: string[] }> {
    if (spec.startsWith('folder:')) {
      const dir = await this.roots.resolveSource('folder', spec.slice('folder:'.length));
      const files = await listImageFiles(dir);
      if (files.length === 0) throw new StationError('NOT_FOUND', `Camera folder ${dir} has no PNG, JPEG, BMP or TIFF images`);
      return { dir, files };
    }
    if (spec.startsWith('file:')) {
      const file = await this.roots.resolveSource('file', spec.slice('file:'.length));
      await this.checkFile(file);
      return { dir: null, files: [file] };
    }
    throw new StationError('INVALID_INPUT', 'Webcam frames are captured by the UI and sent with inspect; open folder:DIR or file:IMAGE here');
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

  /**
   * The image's bytes, after checking again that it lies inside an allowed root: the folder was
   * checked at open, but an image in it may be a symlink, or the folder may have been swapped since.
   */
  private async readSourceFile(s: Session, path: string): Promise<Uint8Array> {
    if (s.dir !== null) {
      try {
        await stat(s.dir);
      } catch (err) {
        throw new StationError('UNAVAILABLE', `Camera folder ${s.dir} has disappeared`, { cause: err });
      }
    }
    let real: string;
    try {
      real = await realpath(path);
    } catch (err) {
      throw new StationError('UNAVAILABLE', `Camera source is not available: ${path}`, { cause: err });
    }
    if (!(await this.roots.allows(real))) throw sourceNotAvailable(s.dir === null ? 'file' : 'folder');
    const size = await this.checkFile(real);
    if (size > MAX_IMAGE_FILE_BYTES) throw new StationError('BAD_IMAGE', `${path} is larger than the 256 MB limit`);
    try {
      return await readFile(real);
    } catch (err) {
      throw new StationError('UNAVAILABLE', `Could not read camera image ${path}`, { cause: err });
    }
  }
}
