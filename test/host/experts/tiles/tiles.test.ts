import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GoldenImage } from '../../../../host/experts/expert';
import { fitExpert, loadExpert, saveExpert } from '../../../../host/experts/index';
import { planTiles, stitchTiles, tileOrigins } from '../../../../host/experts/components/tiles';
import type { RgbImage } from '../../../../host/imaging/rgb-image';
import { makeTempDir } from '../../../support/temp-dir';
import { BOTTLE, HAS_BACKBONE, HAS_BOTTLE, dataDirWithBackbone } from '../shared-fixtures';

describe('tiles', () => {
  it('covers an axis from 0 to its end in steps of size - overlap', () => {
    expect(tileOrigins(640, 256, 64)).toEqual([0, 192, 384]);
    expect(tileOrigins(512, 256, 64)).toEqual([0, 192, 256]);
    expect(tileOrigins(256, 256, 32)).toEqual([0]);
  });

  it('refuses tiles larger than the working size and an overlap of half a tile or more', () => {
    expect(() => planTiles(640, 224, { size: 256, overlap: 32 })).toThrow(/Tiles of 256x256 are larger than the working size 640x224/);
    expect(() => planTiles(640, 512, { size: 256, overlap: 128 })).toThrow(/overlap of 128 is not less than half/);
  });

  it('leaves out tiles that miss the region of interest', () => {
    const inside = new Uint8Array(640 * 512);
    for (let y = 0; y < 100; y++) for (let x = 0; x < 100; x++) inside[y * 640 + x] = 1;
    expect(planTiles(640, 512, { size: 256, overlap: 64 }, inside)).toEqual([{ x: 0, y: 0 }]);
  });

  it('stitches tile grids into one, overlapping cells blended', () => {
    const tiles = [{ x: 0, y: 0 }, { x: 16, y: 0 }];
    // Tile grids of 4 x 4 cells (stride 8), one channel: 1 everywhere in the first, 3 in the second.
    const stitched = stitchTiles(tiles, [new Float32Array(16).fill(1), new Float32Array(16).fill(3)], { gridWidth: 6, gridHeight: 4, tileGrid: 4, stride: 8, dim: 1 });
    const row = Array.from(stitched.subarray(6, 12));
    expect(row[0]).toBe(1);
    expect(row[5]).toBe(3);
    // Columns 2 and 3 are in both tiles: each takes more from the tile it lies deeper in.
    expect(row[2]).toBeGreaterThan(1);
    expect(row[2]).toBeLessThan(2);
    expect(row[3]).toBeGreaterThan(2);
    expect(row[3]).toBeLessThan(3);
  });
});

/** A 5-megapixel camera frame (2448 x 2048): a bottle photo scaled up to 2048 rows, black on both sides. */
async function frame(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file)
    .removeAlpha()
    .resize(2048, 2048, { kernel: 'cubic' })
    .extend({ left: 200, right: 200, background: '#000' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

function painted(image: RgbImage, rect: { x: number; y: number; w: number; h: number }): RgbImage {
  const data = Uint8Array.from(image.data);
  for (let y = rect.y; y < rect.y + rect.h; y++) for (let x = rect.x; x < rect.x + rect.w; x++) data.set([250, 250, 250], 3 * (y * image.width + x));
  return { ...image, data };
}

// 640 x 512 keeps the frame's aspect (2448 / 2048 = 1.195 ~ 1.25); tiles of 256 overlap by 64:
// columns start at 0, 192 and 384, rows at 0, 192 and 256.
const OPTIONS = { workingSize: { width: 640, height: 512 }, tile: { size: 256, overlap: 64 }, syntheticAnomalies: 16, maxBankRows: 2048, minBankRows: 512 };

describe.skipIf(!HAS_BACKBONE || !HAS_BOTTLE)('a tiled PatchCore on 5-megapixel frames (real bottle photos, real backbone)', () => {
  let dataDir: string;
  let golden: GoldenImage[];
  let good: RgbImage;
  beforeAll(async () => {
    dataDir = await dataDirWithBackbone();
    const names = (await readdir(join(BOTTLE, 'train/good'))).sort().slice(0, 4);
    golden = await Promise.all(names.map(async (n) => ({ name: n, image: await frame(join(BOTTLE, 'train/good', n)) })));
    good = await frame(join(BOTTLE, 'test/good', (await readdir(join(BOTTLE, 'test/good'))).sort()[0] as string));
  }, 60_000);

  it('maps the whole frame at the working size, finds a defect in a tile overlap, and reloads to the same score', async () => {
    const runtime = { dataDir, device: 'cpu' as const };
    const fitted = await fitExpert({ kind: 'patchcore', options: OPTIONS }, golden, { ...runtime, seed: 2 });
    const base = await fitted.expert.inspect(good);
    // One map over the whole frame, with its aspect, at the working size.
    expect([base.mapWidth, base.mapHeight, base.map.length]).toEqual([640, 512, 640 * 512]);
    expect(base.features).toMatchObject({ gridWidth: 80, gridHeight: 64 });

    // A bright square on the bottle at working-size x 200..248, y 200..248: inside the overlap of
    // the first two tile columns (192..256) and of the first two tile rows (192..256).
    const sx = 2448 / 640;
    const sy = 2048 / 512;
    const defect = painted(good, { x: Math.round(200 * sx), y: Math.round(200 * sy), w: Math.round(48 * sx), h: Math.round(48 * sy) });
    const found = await fitted.expert.inspect(defect);
    expect(found.score).toBeGreaterThan(Math.max(0.5, base.score + 0.3));
    let peak = 0;
    for (let i = 1; i < found.map.length; i++) if ((found.map[i] as number) > (found.map[peak] as number)) peak = i;
    const [px, py] = [peak % 640, Math.floor(peak / 640)];
    expect(Math.hypot(px - 224, py - 224)).toBeLessThan(48);

    const dir = await makeTempDir('tiled-expert-');
    await saveExpert(fitted, dir);
    const loaded = await loadExpert(dir, runtime);
    expect((await loaded.inspect(defect)).score).toBeCloseTo(found.score, 5);
    expect((await loaded.inspect(good)).score).toBeCloseTo(base.score, 5);
  }, 240_000);
});
