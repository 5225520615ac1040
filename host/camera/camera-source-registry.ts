import { parseCameraSpec, type CameraSourceKind } from '../../common/camera-spec';
import type { CameraSourceType } from './camera-source';
import { fileSource } from './file-source';
import { folderSource } from './folder-source';
import { webcamSource } from './webcam-source';

/** Every camera source kind; a new one is its module plus one line here (and its prefix in common/camera-spec.ts). */
const SOURCE_TYPES: Readonly<Record<CameraSourceKind, CameraSourceType>> = {
  folder: folderSource,
  file: fileSource,
  webcam: webcamSource,
};

/** The source type of `spec` and what follows its prefix; null for a spec no source claims. */
export function sourceTypeOf(spec: string): { type: CameraSourceType; target: string } | null {
  const parsed = parseCameraSpec(spec);
  return parsed && { type: SOURCE_TYPES[parsed.kind], target: parsed.target };
}

/** The allowed roots that start-up specs grant (each `folder:DIR`'s folder, each `file:IMAGE`'s image). */
export function startupCameraRoots(specs: readonly string[]): string[] {
  return specs.flatMap((spec) => {
    const source = sourceTypeOf(spec);
    const root = source ? source.type.startupRoot(source.target) : null;
    return root === null ? [] : [root];
  });
}
