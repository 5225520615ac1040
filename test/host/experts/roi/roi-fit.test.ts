import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FittedExpert, GoldenImage } from '../../../../host/experts/expert';
import type { RoiMask } from '../../../../host/experts/components/roi';
import { fitExpert, loadExpert, saveExpert } from '../../../../host/experts/index';
import { readImageFile } from '../../../../host/imaging/decode';
import type { RgbImage } from '../../../../host/imaging/rgb-image';
import { makeTempDir } from '../../../support/temp-dir';
import { BOTTLE, HAS_BACKBONE, HAS_BOTTLE, dataDirWithBackbone } from '../shared-fixtures';

/** A copy of `image` with a rect filled with one colour: a defect no good bottle shows. */
function painted(image: RgbImage, rect: { x: number; y: number; w: number; h: number }, rgb: [number, number, number]): RgbImage {
  const data = Uint8Array.from(image.data);
  for (let y = rect.y; y < rect.y + rect.h; y++) for (let x = rect.x; x < rect.x + rect.w; x++) data.set(rgb, 3 * (y * image.width + x));
  return { ...image, data };
}

/** A copy of `image` with black and white stripes at `angle` (radians) and `period` pixels in a rect: clutter of its own in each image. */
function striped(image: RgbImage, rect: { x: number; y: number; w: number; h: number }, angle: number, period: number): RgbImage {
  const data = Uint8Array.from(image.data);
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    for (let x = rect.x; x < rect.x + rect.w; x++) {
      const v = Math.floor((x * c + y * s) / period) % 2 === 0 ? 255 : 0;
      data.set([v, v, v], 3 * (y * image.width + x));
    }
  }
  return { ...image, data };
}

/** The left `share` of a width x height image. */
function leftPart(width: number, height: number, share: number): RoiMask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < Math.round(width * share); x++) data[y * width + x] = 1;
  return { width, height, data };
}

// The bottle photos are 256 x 256 (../shared/data/README.md); the bottle's rim fills the middle.
const INSIDE = { x: 60, y: 100, w: 48, h: 48 };
const OUTSIDE = { x: 176, y: 100, w: 48, h: 48 };
const OPTIONS = { inputSize: 128, syntheticAnomalies: 16 };

describe.skipIf(!HAS_BACKBONE || !HAS_BOTTLE)('a region of interest (real bottle photos, real backbone)', () => {
  let dataDir: string;
  let golden: GoldenImage[];
  let good: RgbImage;
  let roi: RoiMask;
  beforeAll(async () => {
    dataDir = await dataDirWithBackbone();
    const names = (await readdir(join(BOTTLE, 'train/good'))).sort().slice(0, 6);
    golden = await Promise.all(names.map(async (n) => ({ name: n, image: await readImageFile(join(BOTTLE, 'train/good', n)) })));
    good = await readImageFile(join(BOTTLE, 'test/good', (await readdir(join(BOTTLE, 'test/good'))).sort()[0] as string));
    roi = leftPart(good.width, good.height, 0.5);
  });

  const fit = (kind: string, region?: RoiMask, images = golden, extra: Record<string, unknown> = {}): Promise<FittedExpert> =>
    fitExpert({ kind, options: { ...OPTIONS, ...extra } }, images, { dataDir, device: 'cpu', seed: 3, ...(region ? { roi: region } : {}) });

  it.each(['patchcore', 'padim'])('%s: a defect outside it does not raise the score, one inside does; the map is zero outside', async (kind) => {
    const whole = await fit(kind);
    const region = await fit(kind, roi);
    const outside = painted(good, OUTSIDE, [0, 0, 0]);
    const inside = painted(good, INSIDE, [0, 0, 0]);
    // Without a region the painted square outside is a defect like any other.
    expect((await whole.expert.inspect(outside)).score).toBeGreaterThan(0.5);

    const base = await region.expert.inspect(good);
    const out = await region.expert.inspect(outside);
    const ins = await region.expert.inspect(inside);
    // The backbone sees the outside filled, the same in every image: the square outside changes nothing.
    expect(out.score).toBeCloseTo(base.score, 4);
    expect(ins.score).toBeGreaterThan(Math.max(0.5, base.score + 0.3));
    const { mapWidth: w, mapHeight: h } = out;
    for (let y = 0; y < h; y++) for (let x = Math.ceil(w / 2); x < w; x++) expect(out.map[y * w + x]).toBe(0);
    expect(region.expert.descriptor.roi).toMatchObject({ width: 256, height: 256, coverage: 0.5 });
    expect(region.expert.descriptor.notes.join(' ')).toMatch(/region of interest: 50\.0 % of the image/);

    // Saved with its mask, loaded to the same scores.
    const dir = await makeTempDir('roi-expert-');
    await saveExpert(region, dir);
    expect((await readdir(dir)).filter((f) => f.endsWith('.png'))).toEqual([`${region.expert.descriptor.roi?.sha256 ?? ''}.png`]);
    const loaded = await loadExpert(dir, { dataDir, device: 'cpu' });
    expect(loaded.descriptor.roi).toEqual(region.expert.descriptor.roi);
    expect((await loaded.inspect(outside)).score).toBeCloseTo(out.score, 5);
    expect((await loaded.inspect(inside)).score).toBeCloseTo(ins.score, 5);
  });

  it.each(['patchcore', 'padim'])('%s: calibration scores the region only (clutter outside it does not raise the threshold)', async (kind) => {
    // Every golden image gets its own clutter outside the region: held out, it is what no other golden shows.
    const cluttered = golden.map((g, i) => ({ name: g.name, image: striped(g.image, { x: 150, y: 40, w: 90, h: 170 }, (i * Math.PI) / golden.length, 5 + 2 * i) }));
    // Without the position baseline: it would also take out clutter that sits at the same place on
    // every golden, and this is about what the region alone does.
    const whole = await fit(kind, undefined, cluttered, { baseline: 'none' });
    const region = await fit(kind, roi, cluttered, { baseline: 'none' });
    const heldOut = (f: FittedExpert) => Math.max(...((f.state.calibrationScores as { golden: number[] }).golden));
    expect(heldOut(region)).toBeLessThan(0.6 * heldOut(whole));
    expect(region.expert.descriptor.calibration.rawThreshold).toBeLessThan(0.6 * whole.expert.descriptor.calibration.rawThreshold);
    // Calibrated on the region, a defect inside it fails.
    expect((await region.expert.inspect(painted(good, INSIDE, [0, 0, 0]))).score).toBeGreaterThan(0.5);
  });
});
