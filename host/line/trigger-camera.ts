import { extname, basename } from 'node:path';
import { parseCameraSpec } from '../../common/camera-spec';
import { StationError } from '../../common/errors';
import type { CameraRoots } from '../camera/camera-roots';
import type { CameraSource } from '../camera/camera-source';
import { sourceTypeOf } from '../camera/camera-source-registry';
import type { FrameBytes } from '../inspection/frame-source';

/** A frame for one triggered part and the name it is recorded under (null: a webcam still has none). */
export interface TriggerFrame {
  frame: FrameBytes;
  name: string | null;
}

/**
 * Stills of the webcam, which the signed-in Inspect screen opens (getUserMedia), not the host
 * (host/line/ui-frames.ts).
 */
export interface UiFrames {
  /**
   * A still of the live view of a connected Inspect screen; `deviceId` '' for whichever camera it shows.
   * @throws StationError('UNAVAILABLE') with the reason when no screen can give one in time
   */
  grab(deviceId: string): Promise<TriggerFrame>;
}

/**
 * The frames line triggers inspect: each trigger takes the next image of its source (a folder
 * wraps around to its first image; a file is the same image every time; a webcam is a still of
 * the Inspect screen's live view). Each folder or file source stays open, inside the allowed
 * camera roots like any camera session, so a line switching between recipes with their own
 * sources goes on in each folder where it left off.
 */
export class TriggerCamera {
  private readonly open = new Map<string, CameraSource>();

  constructor(
    private readonly roots: CameraRoots,
    private readonly ui: UiFrames | null = null,
  ) {}

  /**
   * @throws StationError('NOT_FOUND') for no source configured or one outside the allowed roots;
   *   ('UNAVAILABLE') for one that has gone away, or a webcam no Inspect screen can give a frame of.
   */
  async next(spec: string | null): Promise<TriggerFrame> {
    if (spec === null) {
      throw new StationError('NOT_FOUND', "No camera source is set for line triggers: set one for the recipe, or cameraSource in the line settings (folder:DIR, file:IMAGE or webcam)");
    }
    const parsed = parseCameraSpec(spec);
    if (parsed?.kind === 'webcam') {
      if (!this.ui) throw new StationError('UNAVAILABLE', 'This station has no screen to take webcam frames from; use a folder: or file: source for line triggers');
      return this.ui.grab(parsed.target);
    }
    const source = await this.sourceFor(spec);
    if (source.exhausted) {
      this.close(spec);
      return this.next(spec);
    }
    const image = await source.read();
    if (source.index >= source.frames - 1 && source.kind === 'folder') {
      // the last image of a folder: the next trigger starts over
      this.close(spec);
    } else {
      source.advance();
    }
    return { frame: { bytes: image.bytes, ext: extname(image.path).toLowerCase() }, name: basename(image.path) };
  }

  /** Closes the source of `spec`, or every source: the next trigger opens it afresh at its first image. */
  close(spec?: string): void {
    for (const [key, source] of this.open) {
      if (spec !== undefined && key !== spec) continue;
      source.close();
      this.open.delete(key);
    }
  }

  private async sourceFor(spec: string): Promise<CameraSource> {
    const open = this.open.get(spec);
    if (open) return open;
    const source = await openHostSource(spec, this.roots);
    this.open.set(spec, source);
    return source;
  }
}

/**
 * Checks a line camera source where it is set: a folder with images or an image file inside the
 * allowed camera roots (a webcam is the screen's, so there is nothing to check here).
 * @throws StationError('INVALID_INPUT') for a spec no source claims; ('NOT_FOUND') for a path
 *   missing, outside the allowed roots or without images (one message per kind)
 */
export async function checkLineCameraSource(spec: string, roots: CameraRoots): Promise<void> {
  if (parseCameraSpec(spec)?.kind === 'webcam') return;
  const source = await openHostSource(spec, roots);
  try {
    await source.read();
  } finally {
    source.close();
  }
}

async function openHostSource(spec: string, roots: CameraRoots): Promise<CameraSource> {
  const parsed = sourceTypeOf(spec);
  if (!parsed || parsed.type.kind === 'webcam') {
    throw new StationError('INVALID_INPUT', `Line triggers capture from folder:DIR, file:IMAGE or webcam, not ${JSON.stringify(spec.slice(0, 80))}`);
  }
  return parsed.type.open(parsed.target, roots, 0);
}
