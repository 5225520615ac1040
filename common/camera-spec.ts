import type { CameraSourceInfo } from './api';

export type CameraSourceKind = CameraSourceInfo['kind'];

/** A camera source spec split at its prefix: `webcam[:DEVICE_ID]`, `folder:DIR`, `file:IMAGE`. */
export interface ParsedCameraSpec {
  kind: CameraSourceKind;
  /** What follows the prefix: the folder, the image, or the webcam's device id ('' = the default camera). */
  target: string;
  /** Captured by the UI (getUserMedia) rather than read by the host. */
  capturedByUi: boolean;
}

const PREFIXES: ReadonlyArray<{ kind: CameraSourceKind; prefix: string; capturedByUi: boolean }> = [
  { kind: 'folder', prefix: 'folder:', capturedByUi: false },
  { kind: 'file', prefix: 'file:', capturedByUi: false },
  { kind: 'webcam', prefix: 'webcam:', capturedByUi: true },
];

/**
 * The one place a spec's prefix is read (host sessions, useCamera, CameraPanel): `webcam` alone is
 * the default webcam. Null for a spec no source claims.
 */
export function parseCameraSpec(spec: string): ParsedCameraSpec | null {
  if (spec === 'webcam') return { kind: 'webcam', target: '', capturedByUi: true };
  for (const p of PREFIXES) if (spec.startsWith(p.prefix)) return { kind: p.kind, target: spec.slice(p.prefix.length), capturedByUi: p.capturedByUi };
  return null;
}

/** The spec of a source of `kind` at `target` (a webcam with target '' is the default camera). */
export function cameraSpec(kind: CameraSourceKind, target: string): string {
  return kind === 'webcam' && target === '' ? 'webcam' : `${kind}:${target}`;
}
