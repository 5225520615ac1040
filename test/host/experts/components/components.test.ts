import { describe, expect, it } from 'vitest';
import { augmentedView, augmentedViews } from '../../../../host/experts/components/augment';
import { calibrate, normaliseScore } from '../../../../host/experts/components/calibration';
import { greedyCoreset } from '../../../../host/experts/components/coreset';
import { greedyCoresetOnnx } from '../../../../host/experts/components/coreset-graph';
import { gaussianSamples, seededRandom } from '../../../../host/experts/components/rng';
import { gaussianKernel } from '../../../../host/experts/components/gaussian';
import { dedupeGolden } from '../../../../host/experts/components/golden-set';
import { normaliseMap, toMapScale } from '../../../../host/experts/components/map-normalisation';
import { rotateMapBack, toLandscape } from '../../../../host/experts/components/orientation';

describe('greedy coreset', () => {
  it('covers every cluster before taking a second point from any', () => {
    // 4 tight clusters of 50 points in 8-D; 4 picks must hit 4 different clusters.
    const dim = 8;
    const centres = [0, 10, 20, 30];
    const points = new Float32Array(200 * dim);
    for (let i = 0; i < 200; i++) {
      for (let c = 0; c < dim; c++) points[i * dim + c] = (centres[i % 4] as number) + ((i * 7 + c) % 5) * 0.01;
    }
    const picked = greedyCoreset(points, dim, 4, { seed: 3, projectDim: 4 });
    expect(new Set(Array.from(picked, (i) => i % 4)).size).toBe(4);
    expect(greedyCoreset(points, dim, 500)).toHaveLength(200);
  });
});

describe('calibration', () => {
  it('puts the threshold above every held-out golden score and the band around it', () => {
    const held = [1, 1.1, 0.9, 1.05, 1.2, 0.95];
    const c = calibrate(held, [0.4, 0.5]);
    expect(c.rawThreshold).toBeGreaterThan(1.2);
    expect(c.band.t1).toBeLessThan(0.5);
    expect(c.band.t2).toBeGreaterThan(0.5);
    for (const s of held) expect(normaliseScore(s, c.rawFloor, c.rawThreshold)).toBeLessThan(0.5);
    expect(normaliseScore(c.rawThreshold, c.rawFloor, c.rawThreshold)).toBeCloseTo(0.5, 9);
  });

  it('works from one held-out score', () => {
    const c = calibrate([2], [1]);
    expect(c.rawThreshold).toBeCloseTo(2.1, 9);
    expect(() => calibrate([], [])).toThrow(/at least one/);
  });
});

describe('map normalisation', () => {
  it('maps floor to 0 and threshold to 0.5, compresses the map above the threshold but not the score', () => {
    const { map, score } = normaliseMap(Float32Array.from([0, 1, 2, 3, 5, 7, 11]), 1, 3);
    expect(Array.from(map.subarray(0, 4))).toEqual([0, 0, 0.25, 0.5]);
    expect(score).toBeCloseTo(2.5, 9);
    // twice and three times the threshold's distance stay apart and below 1: a clip would make both 1
    const [twice, thrice, far] = [map[4] as number, map[5] as number, map[6] as number];
    expect(twice).toBeCloseTo(0.5 + 0.5 * Math.tanh(1), 6);
    expect(thrice).toBeGreaterThan(twice + 0.05);
    expect(far).toBeGreaterThan(thrice);
    expect(far).toBeLessThanOrEqual(1);
    // the slope carries on through the threshold: just above it, the map moves as the score does
    expect(toMapScale(0.51) - toMapScale(0.5)).toBeCloseTo(0.01, 4);
    expect(toMapScale(Number.NaN)).toBe(0);
    expect(toMapScale(-1)).toBe(0);
  });
});

describe('augmentation and Gaussian kernel', () => {
  it('gives 8 distinct dihedral views of a square image, identity first', () => {
    const px = Float32Array.from({ length: 3 * 4 * 4 }, (_, i) => i);
    const views = augmentedViews(px, 4, 4, 'dihedral');
    expect(views).toHaveLength(8);
    expect(views[0]).toBe(px);
    expect(new Set(views.map((v) => v.join(','))).size).toBe(8);
    expect(augmentedViews(px, 4, 2 * 2, 'none')).toHaveLength(1);
    expect(augmentedViews(Float32Array.from({ length: 3 * 8 }), 4, 2, 'dihedral')).toHaveLength(4);
  });

  it('makes one view alone, the same as that view of the whole set', () => {
    const px = Float32Array.from({ length: 3 * 4 * 4 }, (_, i) => i);
    const views = augmentedViews(px, 4, 4, 'dihedral');
    views.forEach((v, i) => expect(Array.from(augmentedView(px, 4, 4, 'dihedral', i)), `view ${i}`).toEqual(Array.from(v)));
    expect(augmentedView(px, 4, 4, 'dihedral', 0)).toBe(px);
    expect(() => augmentedView(px, 4, 4, 'flips', 4)).toThrow(RangeError);
  });

  it('has a normalised symmetric kernel of size 2*round(4 sigma)+1', () => {
    const k = gaussianKernel(4);
    expect(k.length).toBe(33);
    expect(k.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    expect(k[0]).toBeCloseTo(k[32] as number, 9);
  });
});

describe('golden set', () => {
  it('drops pixel-identical duplicates and names them', () => {
    const img = (v: number) => ({ data: new Uint8Array(12).fill(v), width: 2, height: 2 });
    const { images, duplicates } = dedupeGolden([
      { name: 'a', image: img(1) },
      { name: 'b', image: img(2) },
      { name: 'c', image: img(1) },
    ]);
    expect(images.map((g) => g.name)).toEqual(['a', 'b']);
    expect(duplicates).toEqual([{ name: 'c', of: 'a' }]);
  });
});

describe('greedy coreset as an ONNX Loop graph', () => {
  it('selects the same rows as the TypeScript reference', async () => {
    const dim = 16;
    const points = gaussianSamples(seededRandom(11), 1500 * dim);
    const reference = greedyCoreset(points, dim, 60, { seed: 4, projectDim: 8 });
    const graph = await greedyCoresetOnnx(points, dim, 60, { seed: 4, projectDim: 8 });
    expect(graph).toHaveLength(60);
    // float32 vs float64 accumulation may swap a near-tie late in the run; the start must agree.
    expect(Array.from(graph.subarray(0, 20))).toEqual(Array.from(reference.subarray(0, 20)));
    const same = graph.filter((v, i) => v === reference[i]).length;
    expect(same).toBeGreaterThanOrEqual(57);
    expect(new Set(graph).size).toBe(60);
  });
});

describe('orientation', () => {
  it('turns portrait images a quarter clockwise and maps back to the original frame', () => {
    // 2 wide, 3 high; pixel value = 10*y + x in every channel.
    const data = new Uint8Array(2 * 3 * 3);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 2; x++) data.fill(10 * y + x, (y * 2 + x) * 3, (y * 2 + x) * 3 + 3);
    const { image, rotated } = toLandscape({ data, width: 2, height: 3 });
    expect(rotated).toBe(true);
    expect([image.width, image.height]).toEqual([3, 2]);
    // Clockwise: the bottom-left pixel (0, 2) becomes the top-left one.
    expect(Array.from(image.data.filter((_, i) => i % 3 === 0))).toEqual([20, 10, 0, 21, 11, 1]);
    expect(toLandscape({ data, width: 3, height: 2 }).rotated).toBe(false);
    // A square map: turning clockwise then back is the identity.
    const size = 4;
    const original = Float32Array.from({ length: size * size }, (_, i) => i);
    const turned = new Float32Array(size * size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) turned[x * size + (size - 1 - y)] = original[y * size + x] as number;
    expect(Array.from(rotateMapBack(turned, size))).toEqual(Array.from(original));
  });
});
