import { z } from 'zod';
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

/** Whether `spec` is a camera source line triggers can capture from (one check, one message). */
export function isLineCameraSource(spec: string): boolean {
  if (/[\u0000-\u001f\u007f]/.test(spec)) return false;
  const parsed = parseCameraSpec(spec);
  return parsed !== null && (parsed.kind === 'webcam' || parsed.target.trim() !== '');
}

/**
 * The camera source a recipe's line triggers capture from (its version's `config.lineCameraSource`;
 * null: line.json's `cameraSource`): `folder:DIR` (the next image each trigger, wrapping),
 * `file:IMAGE`, or `webcam[:DEVICE_ID]`, a frame of the signed-in Inspect screen's live view.
 */
export const LineCameraSource = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .refine(isLineCameraSource, 'Expected a camera source: folder:DIR, file:IMAGE, webcam or webcam:DEVICE_ID');
