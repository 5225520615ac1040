import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { CameraFrame, CameraSession, CameraSourceInfo } from '../../common/api';
import { cameraSpec } from '../../common/camera-spec';
import { StationError } from '../../common/errors';
import { decodeImageFileBytes } from '../imaging/decode';
import type { RgbImage } from '../imaging/rgb-image';
import { IMAGE_TYPES } from '../imaging/image-type';
import type { BlobStore } from '../store/blob-store';
import type { CameraRoots } from './camera-roots';
import type { CameraSource } from './camera-source';
import { sourceTypeOf } from './camera-source-registry';
import { notHostSource, webcamSource } from './webcam-source';

interface Session {
  /** The connection that opened it (a WebSocket, an Electron page load, or in-process callers). */
  owner: string;
  spec: string;
  /** Null while open() checks the source: the slot is held so concurrent opens respect the caps. */
  source: CameraSource | null;
  /** Clock time of the last open or read, for idle expiry. */
  usedAt: number;
  /** The last frame read, decoded, until an inspect of it takes it: a frame is decoded once. */
  decoded: { sha256: string; image: RgbImage; ms: number } | null;
  /** The last frame read, so an exhausted source answers without decoding its last image again. */
  last: CameraFrame | null;
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
    const list: CameraSourceInfo[] = [{ spec: 'webcam', label: webcamSource.describe(''), kind: 'webcam' }];
    const specs = [...this.configured, ...(await this.roots.configured()).map((dir) => cameraSpec('folder', dir))];
    for (const spec of new Set(specs)) {
      const source = sourceTypeOf(spec);
      if (source === null) continue;
      list.push({ spec, label: source.type.describe(source.target), kind: source.type.kind });
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
    this.sessions.set(sessionId, { owner, spec, source: null, usedAt: this.now(), decoded: null, last: null });
    try {
      const type = sourceTypeOf(spec);
      if (type === null) throw notHostSource();
      const source = await type.type.open(type.target, this.roots, position);
      const held = this.sessions.get(sessionId);
      // closeConnection ran while the source was being checked: the connection is gone.
      if (!held) {
        source.close();
        throw new StationError('UNAVAILABLE', 'The connection closed while the camera was opening');
      }
      Object.assign(held, { source, usedAt: this.now() });
      return { sessionId, label: source.description, frames: source.frames };
    } catch (err) {
      this.sessions.delete(sessionId);
      throw err;
    }
  }

  /**
   * The frame at the session's position; `advance` first moves to the next image (staying on the
   * last one). `ended` is true on the last image of the source; `exhausted` once a folder was
   * advanced past it: the frame is then its last image again, not handed out for an inspect.
   * @throws StationError('NOT_FOUND') for a session that is closed, expired or another connection's;
   *   ('UNAVAILABLE') when the folder or file has gone away; ('BAD_IMAGE') for an unreadable image.
   */
  async read(sessionId: string, advance: boolean, owner: string): Promise<CameraFrame> {
    this.expireIdle();
    const s = this.session(sessionId, owner);
    const source = s.source as CameraSource;
    s.usedAt = this.now();
    s.decoded = null;
    if (advance) source.advance();
    if (source.exhausted && s.last !== null) return { ...s.last, exhausted: true };
    const { bytes, path } = await source.read();
    const t0 = performance.now();
    const { image, type } = await decodeImageFileBytes(bytes, path);
    const ms = performance.now() - t0;
    const blob = await this.blobs.put(bytes, IMAGE_TYPES[type].ext);
    const frame: CameraFrame = {
      sha256: blob.sha256,
      index: source.index,
      name: basename(path),
      width: image.width,
      height: image.height,
      ended: source.index === source.frames - 1,
      exhausted: source.exhausted,
    };
    s.last = frame;
    if (!source.exhausted) s.decoded = { sha256: blob.sha256, image, ms };
    return frame;
  }

  /** The name of frame `sha256` as one of `owner`'s sessions read it last; null when none did. */
  frameName(sha256: string, owner: string): string | null {
    for (const s of this.sessions.values()) if (s.owner === owner && s.last?.sha256 === sha256) return s.last.name;
    return null;
  }

  /**
   * Refuses an inspect of frame `sha256` when it is the last image of one of `owner`'s folder
   * sessions that has played to its end: capturing again there would record the same part twice.
   * @throws StationError('UNAVAILABLE') naming the source and how to go on.
   */
  refuseExhausted(sha256: string, owner: string): void {
    for (const s of this.sessions.values()) {
      if (s.owner !== owner || !s.source?.exhausted || s.last?.sha256 !== sha256) continue;
      throw new StationError('UNAVAILABLE', `End of folder: ${s.source.description} has no image left to inspect; restart it to play it again`);
    }
  }

  /**
   * The decoded image of the frame `sha256` when one of `owner`'s sessions has just read it, for
   * the inspect that follows (taken once: a second inspect of it decodes the stored bytes); null otherwise.
   */
  takeDecoded(sha256: string, owner: string): { image: RgbImage; ms: number } | null {
    for (const s of this.sessions.values()) {
      if (s.owner !== owner || s.decoded?.sha256 !== sha256) continue;
      const { image, ms } = s.decoded;
      s.decoded = null;
      return { image, ms };
    }
    return null;
  }

  /** @throws StationError('NOT_FOUND') for a session that is not open for `owner`. */
  close(sessionId: string, owner: string): void {
    this.session(sessionId, owner).source?.close();
    this.sessions.delete(sessionId);
  }

  /** Closes every session of a connection that has gone (socket closed, page reloaded or closed). */
  closeConnection(owner: string): number {
    let closed = 0;
    for (const [id, s] of this.sessions) {
      if (s.owner !== owner) continue;
      s.source?.close();
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
    for (const [id, s] of this.sessions) {
      if (s.source === null || s.usedAt > oldest) continue;
      s.source.close();
      this.sessions.delete(id);
    }
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
    if (!s || s.source === null || s.owner !== owner) throw new StationError('NOT_FOUND', `No open camera session ${id}`);
    return s;
  }
}
