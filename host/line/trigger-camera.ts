import { StationError } from '../../common/errors';
import type { CameraRoots } from '../camera/camera-roots';
import type { CameraSource } from '../camera/camera-source';
import { sourceTypeOf } from '../camera/camera-source-registry';
import type { FrameBytes } from '../inspection/frame-source';
import { extname, basename } from 'node:path';

/**
 * The frames line triggers inspect: each trigger takes the next image of the source (a folder
 * wraps around to its first image; a file is the same image every time). One source open per
 * spec, inside the allowed camera roots like any camera session.
 */
export class TriggerCamera {
  private open: { spec: string; source: CameraSource } | null = null;

  constructor(private readonly roots: CameraRoots) {}

  /**
   * @throws StationError('NOT_FOUND') for no source configured or one outside the allowed roots;
   *   ('UNAVAILABLE') for one that has gone away.
   */
  async next(spec: string | null): Promise<{ frame: FrameBytes; name: string }> {
    if (spec === null) throw new StationError('NOT_FOUND', 'No camera source is set for line triggers: set cameraSource in the line settings (folder:DIR or file:IMAGE)');
    const source = await this.sourceFor(spec);
    if (source.exhausted) {
      this.close();
      return this.next(spec);
    }
    const image = await source.read();
    if (source.index >= source.frames - 1 && source.kind === 'folder') {
      // the last image of a folder: the next trigger starts over
      this.close();
    } else {
      source.advance();
    }
    return { frame: { bytes: image.bytes, ext: extname(image.path).toLowerCase() }, name: basename(image.path) };
  }

  close(): void {
    this.open?.source.close();
    this.open = null;
  }

  private async sourceFor(spec: string): Promise<CameraSource> {
    if (this.open?.spec === spec) return this.open.source;
    this.close();
    const parsed = sourceTypeOf(spec);
    if (!parsed || parsed.type.kind === 'webcam') {
      throw new StationError('INVALID_INPUT', `Line triggers read a folder: or file: camera source, not ${JSON.stringify(spec.slice(0, 80))}`);
    }
    const source = await parsed.type.open(parsed.target, this.roots, 0);
    this.open = { spec, source };
    return source;
  }
}
