import type { CameraSourceKind } from '../../common/camera-spec';
import type { CameraRoots } from './camera-roots';

/** One image of a host source, read after the allowed-roots check. */
export interface SourceImage {
  bytes: Uint8Array;
  /** The image's path as listed (its base name is the frame's name). */
  path: string;
}

/**
 * An open host camera source: a sequence of images a session steps through. A new source kind
 * (a GigE camera, a triggered line camera) implements this and its `CameraSourceType`, plus one
 * line in camera-source-registry.ts.
 */
export interface CameraSource {
  readonly kind: CameraSourceKind;
  /** What the session shows as its label. */
  readonly description: string;
  /** Images in the source. */
  readonly frames: number;
  /** The position of the next `read`, from 0. */
  readonly index: number;
  /**
   * True once the source was advanced past its last image and it does not repeat it (a folder has
   * played to its end; a file, re-read at every read, never is).
   */
  readonly exhausted: boolean;
  /** Moves to the next image, staying on the last one (a folder then becomes exhausted). */
  advance(): void;
  /**
   * The image at `index`.
   * @throws StationError('UNAVAILABLE') when the source has gone away; ('NOT_FOUND') when it now
   *   lies outside the allowed roots; ('BAD_IMAGE') for one over the size limit.
   */
  read(): Promise<SourceImage>;
  /** Releases what the source holds (files hold nothing; a camera driver would). */
  close(): void;
}

/** A kind of source, by the prefix of its spec (common/camera-spec.ts). */
export interface CameraSourceType {
  readonly kind: CameraSourceKind;
  /** The label camera.sources lists for a spec of this kind. */
  describe(target: string): string;
  /** The allowed root a start-up spec of this kind grants (its folder or image); null for none. */
  startupRoot(target: string): string | null;
  /**
   * Opens `target` positioned at `position` (clamped to the last image), inside `roots`.
   * @throws StationError('NOT_FOUND') for a path missing or outside the allowed roots (one message);
   *   ('INVALID_INPUT') for a source the host does not read (the webcam).
   */
  open(target: string, roots: CameraRoots, position: number): Promise<CameraSource>;
}
