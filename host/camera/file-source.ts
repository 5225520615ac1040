import type { CameraSource, CameraSourceType, SourceImage } from './camera-source';
import type { CameraRoots } from './camera-roots';
import { checkFile, readSourceFile } from './source-file';

/** `file:IMAGE`: one image, read again at every read (it may be replaced between parts). */
class FileSource implements CameraSource {
  readonly kind = 'file' as const;
  readonly frames = 1;
  readonly index = 0;
  readonly exhausted = false;

  constructor(
    readonly description: string,
    private readonly roots: CameraRoots,
    private readonly file: string,
  ) {}

  advance(): void {}

  async read(): Promise<SourceImage> {
    return { bytes: await readSourceFile(this.roots, 'file', this.file), path: this.file };
  }

  close(): void {}
}

export const fileSource: CameraSourceType = {
  kind: 'file',
  describe: (target) => `File ${target}`,
  startupRoot: (target) => target,
  async open(target, roots) {
    const file = await roots.resolveSource('file', target);
    await checkFile(file);
    return new FileSource(`file:${target}`, roots, file);
  },
};
