import { stat } from 'node:fs/promises';
import { StationError } from '../../common/errors';
import type { CameraSource, CameraSourceType, SourceImage } from './camera-source';
import type { CameraRoots } from './camera-roots';
import { listImageFiles } from './folder-listing';
import { readSourceFile } from './source-file';

/** `folder:DIR`: the folder's images in name order, listed once at open. */
class FolderSource implements CameraSource {
  readonly kind = 'folder' as const;
  index: number;
  exhausted = false;

  constructor(
    readonly description: string,
    private readonly roots: CameraRoots,
    private readonly dir: string,
    private readonly files: readonly string[],
    position: number,
  ) {
    this.index = Math.min(position, files.length - 1);
  }

  get frames(): number {
    return this.files.length;
  }

  advance(): void {
    if (this.index < this.files.length - 1) this.index++;
    else this.exhausted = true;
  }

  async read(): Promise<SourceImage> {
    const path = this.files[this.index] as string;
    try {
      return { bytes: await readSourceFile(this.roots, 'folder', path), path };
    } catch (err) {
      // Asked only once the image cannot be read, not before every frame: the line waits on them.
      const folderGone = await stat(this.dir).then(() => false, () => true);
      if (folderGone) throw new StationError('UNAVAILABLE', `Camera folder ${this.dir} has disappeared`, { cause: err });
      throw err;
    }
  }

  close(): void {}
}

export const folderSource: CameraSourceType = {
  kind: 'folder',
  describe: (target) => `Folder ${target}`,
  startupRoot: (target) => target,
  async open(target, roots, position) {
    const dir = await roots.resolveSource('folder', target);
    const files = await listImageFiles(dir);
    if (files.length === 0) throw new StationError('NOT_FOUND', `Camera folder ${dir} has no PNG, JPEG, BMP or TIFF images`);
    return new FolderSource(`folder:${target}`, roots, dir, files, position);
  },
};
