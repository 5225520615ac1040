import { describe, expect, it } from 'vitest';
import { augmentedPlane } from '../../../../host/experts/components/augment';
import { checkRoiForGolden, excludeOutside, roiAtSize, touchedCells, wholeCells, workingRoi, type RoiMask } from '../../../../host/experts/components/roi';
import { rasteriseRoi } from '../../../../host/experts/components/roi-shape';
import { fitExpert } from '../../../../host/experts/index';
import { mapFloor } from '../../../../host/experts/components/fit-plan';
import { normaliseMap } from '../../../../host/experts/components/map-normalisation';

function rect(width: number, height: number, x0: number, y0: number, x1: number, y1: number): RoiMask {
  const data = new Uint8Array(width * height);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * width + x] = 1;
  return { width, height, data };
}

const grey = (width: number, height: number, noisy: boolean) => ({
  width,
  height,
  data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (noisy ? (i * 37) % 200 : 90)),
});

describe('region of interest', () => {
  it('scales to the working size by nearest pixel', () => {
    const half = roiAtSize(rect(200, 100, 0, 0, 100, 100), 64, 32);
    expect(Array.from(half.subarray(0, 64))).toEqual([...Array<number>(32).fill(1), ...Array<number>(32).fill(0)]);
  });

  it('counts whole feature cells and the cells the bank keeps', () => {
    const mask = rect(32, 32, 4, 0, 20, 8).data;
    // 8-pixel cells: only cell (row 0, column 1) lies wholly inside x 4..19.
    expect(Array.from(wholeCells(mask, 32, 32, 4, 4))).toEqual([0, 1, 0, 0, ...Array<number>(12).fill(0)]);
    // Touched: columns 0..2 of row 0; grown by one cell: columns 0..3, rows 0..1.
    expect(Array.from(touchedCells(mask, 32, 32, 4, 4, 1))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, ...Array<number>(8).fill(0)]);
  });

  it('refuses an empty mask, one of another size, and one over a flat colour only', () => {
    const golden = [{ name: 'a.png', image: grey(16, 16, true) }];
    expect(() => checkRoiForGolden(rect(16, 16, 0, 0, 0, 0), golden)).toThrow(/is empty/);
    expect(() => checkRoiForGolden(rect(8, 8, 0, 0, 8, 8), golden)).toThrow(/is 8x8 but the golden image a\.png is 16x16/);
    expect(() => checkRoiForGolden(rect(16, 16, 0, 0, 8, 8), [{ name: 'flat.png', image: grey(16, 16, false) }])).toThrow(/covers nothing of the part/);
    expect(() => checkRoiForGolden(rect(16, 16, 0, 0, 8, 8), golden)).not.toThrow();
  });

  it('refuses a region without a whole feature cell at the working size, and flips with the views', () => {
    expect(() => workingRoi(rect(256, 256, 0, 0, 6, 256), { width: 64, height: 64 }, { gridWidth: 8, gridHeight: 8 }, 'none')).toThrow(/too small.*64x64.*8x8 feature cell/);
    const region = workingRoi(rect(256, 256, 0, 0, 128, 256), { width: 64, height: 64 }, { gridWidth: 8, gridHeight: 8 }, 'flips');
    expect(region.views).toHaveLength(4);
    // The mirror image's region is the right half.
    expect([region.views[1]?.[0], region.views[1]?.[63]]).toEqual([0, 1]);
    expect(augmentedPlane(new Uint8Array(4), 2, 2, 'none', 1)).toBeNull();
  });

  it('excludes the outside from the score, the floor and the normalised map', () => {
    const raw = Float32Array.from([9, 1, 2, 3]);
    excludeOutside(raw, Uint8Array.from([0, 1, 1, 1]));
    expect(mapFloor(raw)).toBe(2);
    const { map, score } = normaliseMap(raw, 0, 3);
    expect(map[0]).toBe(0);
    expect(score).toBeCloseTo(0.5, 6);
  });

  it('rasterises a drawn rectangle and polygon at the golden size', () => {
    const r = rasteriseRoi({ kind: 'rect', points: [[0.75, 0.5], [0.25, 0]] }, 8, 4);
    expect(Array.from(r.data)).toEqual([0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // A triangle over the left half: the bottom row is inside from x 0 to about half its width.
    const t = rasteriseRoi({ kind: 'polygon', points: [[0, 0], [0.5, 1], [0, 1]] }, 100, 100);
    expect(t.data.reduce((a, b) => a + b, 0)).toBeGreaterThan(2400);
    expect(t.data.reduce((a, b) => a + b, 0)).toBeLessThan(2600);
    expect([t.data[99 * 100], t.data[99 * 100 + 60], t.data[0 * 100 + 10]]).toEqual([1, 0, 0]);
  });

  it('is refused by a kind that takes none (anomalib) before anything is read', async () => {
    const options = { dataDir: '/nonexistent', device: 'cpu' as const, roi: rect(8, 8, 0, 0, 4, 4) };
    await expect(fitExpert({ kind: 'anomalib', options: { file: '/nonexistent.onnx' } }, [], options)).rejects.toThrow(
      'The anomalib expert does not take a region of interest: use auto, patchcore or padim',
    );
  });
});
