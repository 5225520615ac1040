import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import { cellName } from '../../common/answer-grammar';
import { cellOfPoint } from '../../common/grid';
import type { RgbImage } from '../../host/imaging/rgb-image';
import { writeFileAtomic } from '../../host/store/atomic-write';
import { DEMO_RECIPE, DEMO_SEED, demoImageSpecs, type DemoImageSpec } from '../../host/demo/demo-set';
import { REPO_DEMO_ASSETS_DIR } from '../../host/demo/seed';
import { renderWasher } from '../../host/demo/washer';

/**
 * Generates the embedded default's images (host/demo/assets/): golden/ for the demo recipe, test/
 * for the demo `folder:` camera, and manifest.json with each test image's label and defect position.
 *
 *   npm run demo:generate                  # rewrites host/demo/assets
 *   npm run demo:generate -- --out DIR
 */
export const DEFAULT_ASSETS_DIR = REPO_DEMO_ASSETS_DIR;

export interface DemoManifest {
  recipe: string;
  seed: number;
  golden: string[];
  test: Array<{ file: string; label: string; defect: { x: number; y: number; size: number; cell: string } | null }>;
}

function isGrey(image: RgbImage): boolean {
  const d = image.data;
  for (let i = 0; i < d.length; i += 3) if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) return false;
  return true;
}

/** 8-bit PNG, stored as grey when every pixel is grey (a third of the size; decodes to the same RGB). */
export function encodePng(image: RgbImage): Buffer {
  const colorType = isGrey(image) ? 0 : 2;
  const png = new PNG({ width: image.width, height: image.height, colorType, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: 2, inputHasAlpha: false, deflateLevel: 9 });
}

export function demoManifest(specs: readonly DemoImageSpec[]): DemoManifest {
  return {
    recipe: DEMO_RECIPE,
    seed: DEMO_SEED,
    golden: specs.filter((s) => s.file.startsWith('golden/')).map((s) => s.file),
    test: specs
      .filter((s) => s.file.startsWith('test/'))
      .map((s) => {
        const d = s.params.defects[0];
        return {
          file: s.file,
          label: s.label,
          defect: d
            ? {
                x: Math.round(d.x),
                y: Math.round(d.y),
                size: Math.round(d.size),
                cell: cellName(cellOfPoint(d.x, d.y, s.params.size, s.params.size)),
              }
            : null,
        };
      }),
  };
}

export async function writeDemoAssets(outDir: string): Promise<DemoManifest> {
  const specs = demoImageSpecs();
  await rm(join(outDir, 'golden'), { recursive: true, force: true });
  await rm(join(outDir, 'test'), { recursive: true, force: true });
  for (const spec of specs) {
    const path = join(outDir, spec.file);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, encodePng(renderWasher(spec.params)));
  }
  const manifest = demoManifest(specs);
  await writeFileAtomic(join(outDir, 'manifest.json'), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  return manifest;
}
