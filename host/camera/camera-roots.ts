import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { StationError } from '../../common/errors';
import { readCameraRootsFile, writeCameraRootsFile, type LoadedCameraRoots } from './camera-roots-file';

export type SourceKind = 'folder' | 'file';

/**
 * The one error for a source path that does not exist and for one outside the allowed folders, so
 * a client cannot use camera.open to learn what exists elsewhere on the station's disk.
 */
export function sourceNotAvailable(kind: SourceKind): StationError {
  return new StationError('NOT_FOUND', `No such camera ${kind} in the folders allowed for camera sources on this station`);
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/**
 * Where `folder:` and `file:` camera sources may point: the start-up roots (the demo assets,
 * `serve --camera`, given by whoever started the host) and the folders an engineer set with
 * camera.setRoots (kept in `camera-roots.json`). Paths are compared after realpath, so neither `..`
 * nor a symlink leads out of a root.
 */
export class CameraRoots {
  private loaded: Promise<LoadedCameraRoots> | null = null;

  /**
   * @param file the settings file (dataLayout(...).cameraRoots)
   * @param startup folders (or single image files) allowed for the life of this host
   */
  constructor(
    private readonly file: string,
    private readonly startup: readonly string[],
  ) {}

  startupRoots(): string[] {
    return this.startup.map((r) => resolve(r));
  }

  /** The engineer-configured folders (resolved absolute paths). */
  async configured(): Promise<string[]> {
    return (await this.load()).roots;
  }

  /** Why the settings file was not used, for status.get; null when it was fine or absent. */
  async warning(): Promise<string | null> {
    return (await this.load()).warning;
  }

  /**
   * The real path of `path` (relative to the host's folder, symlinks and `..` resolved) when it lies
   * inside an allowed root.
   * @throws sourceNotAvailable(kind) when it does not exist or lies outside every root: one error for both.
   */
  async resolveSource(kind: SourceKind, path: string): Promise<string> {
    const real = await realpath(resolve(path)).catch(() => null);
    if (real === null || !(await this.allows(real))) throw sourceNotAvailable(kind);
    return real;
  }

  /** Whether a real (already resolved) path lies inside an allowed root. */
  async allows(realPath: string): Promise<boolean> {
    return this.allowsAny(await this.realRoots(), realPath);
  }

  /**
   * The real path of `path` and whether it lies inside an allowed root, the roots resolved while
   * the path is (one round of file-system calls instead of two: a camera frame on the line's
   * verdict path). Null when `path` does not exist.
   */
  async realpathAllowed(path: string): Promise<{ real: string; allowed: boolean } | null> {
    const [real, roots] = await Promise.all([realpath(path).catch(() => null), this.realRoots()]);
    return real === null ? null : { real, allowed: this.allowsAny(roots, real) };
  }

  private allowsAny(realRoots: ReadonlyArray<string | null>, realPath: string): boolean {
    return realRoots.some((root) => root !== null && isInside(realPath, root));
  }

  /** Roots are resolved at each check: one given at start-up may be created or moved later. */
  private async realRoots(): Promise<Array<string | null>> {
    const roots = [...this.startupRoots(), ...(await this.configured())];
    return Promise.all(roots.map((r) => realpath(r).catch(() => null)));
  }

  /**
   * Replaces the engineer-configured folders and persists them; each must be an existing folder,
   * stored resolved (a symlinked root is pinned to where it points now). Returns them.
   * @throws StationError('INVALID_INPUT') naming a folder that does not exist or is not a folder;
   *   ('DISK_FULL' | 'DB_READONLY') when the settings cannot be written. Nothing changes then.
   */
  async set(roots: readonly string[]): Promise<string[]> {
    const resolved: string[] = [];
    for (const root of roots) {
      const real = await realpath(resolve(root)).catch(() => null);
      const isDir = real !== null && (await stat(real).then((s) => s.isDirectory(), () => false));
      if (real === null || !isDir) throw new StationError('INVALID_INPUT', `Camera folder ${root} does not exist or is not a folder`);
      if (!resolved.includes(real)) resolved.push(real);
    }
    await writeCameraRootsFile(this.file, resolved);
    this.loaded = Promise.resolve({ roots: resolved, warning: null });
    return resolved;
  }

  private load(): Promise<LoadedCameraRoots> {
    this.loaded ??= readCameraRootsFile(this.file);
    return this.loaded;
  }
}
