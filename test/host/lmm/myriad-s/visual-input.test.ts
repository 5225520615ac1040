import { describe, expect, it } from 'vitest';
import { featuresTensor, resizeMap, usableFeatures } from '../../../../host/lmm/myriad-s/visual-input';

describe('resizeMap', () => {
  it('keeps a map of the same size unchanged', () => {
    const map = Float32Array.from({ length: 12 }, (_, i) => i / 12);
    expect(Array.from(resizeMap({ map, mapWidth: 4, mapHeight: 3, score: 0 }, 4, 3).data)).toEqual(Array.from(map));
  });

  it('matches PyTorch bilinear (align_corners=False) on a 2x2 -> 4x4 upsample', () => {
    const out = resizeMap({ map: Float32Array.from([0, 1, 2, 3]), mapWidth: 2, mapHeight: 2, score: 0 }, 4, 4);
    // torch.nn.functional.interpolate(torch.tensor([[[[0.,1.],[2.,3.]]]]), size=(4,4), mode='bilinear')
    const expected = [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3];
    expect(Array.from(out.data)).toEqual(expected);
    expect(out.dims).toEqual([1, 1, 4, 4]);
  });

  it('refuses a map whose length does not match its size', () => {
    expect(() => resizeMap({ map: new Float32Array(5), mapWidth: 2, mapHeight: 2, score: 0 }, 4, 4)).toThrow(/5 values/);
  });
});

describe('featuresTensor', () => {
  it('turns the (patches, dim) embedding into (1, dim, h, w)', () => {
    // 2 channels on a 2x1 grid: patch 0 = [1, 2], patch 1 = [3, 4]
    const t = featuresTensor({ data: Float32Array.from([1, 2, 3, 4]), dim: 2, gridWidth: 2, gridHeight: 1 }, 2, 1, 2);
    expect(Array.from(t.data)).toEqual([1, 3, 2, 4]);
    expect(t.dims).toEqual([1, 2, 1, 2]);
  });

  it('gives zeros without features and names the expected grid on a mismatch', () => {
    expect(Array.from(featuresTensor(undefined, 2, 1, 1).data)).toEqual([0, 0]);
    expect(() => featuresTensor({ data: new Float32Array(8), dim: 2, gridWidth: 2, gridHeight: 2 }, 4, 2, 2)).toThrow(
      /4 channels on a 2x2 grid, got 2 on 2x2/,
    );
  });
});

describe('usableFeatures', () => {
  const backbone = { sha256: 'a'.repeat(64), feature_channels: 2, feature_height: 1, feature_width: 2 };
  const ours = { data: Float32Array.from([1, 2, 3, 4]), dim: 2, gridWidth: 2, gridHeight: 1 };

  it('keeps features of the trained backbone on its grid, with or without a stated backbone', () => {
    expect(usableFeatures(ours, backbone)).toBe(ours);
    const stated = { ...ours, backboneSha256: 'a'.repeat(64) };
    expect(usableFeatures(stated, backbone)).toBe(stated);
  });

  it('drops features of another backbone or channel count instead of failing the answer', () => {
    expect(usableFeatures({ ...ours, backboneSha256: 'b'.repeat(64) }, backbone)).toBeUndefined();
    expect(usableFeatures({ data: new Float32Array(4), dim: 4, gridWidth: 1, gridHeight: 1 }, backbone)).toBeUndefined();
    expect(usableFeatures(undefined, backbone)).toBeUndefined();
  });

  it('brings features of another grid (a wide or tall part) onto the model\'s grid instead of dropping them', () => {
    const tall = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), dim: 2, gridWidth: 2, gridHeight: 2 };
    const fitted = usableFeatures(tall, backbone);
    expect(fitted && [fitted.gridWidth, fitted.gridHeight]).toEqual([2, 1]);
    expect(Array.from(fitted?.data ?? [])).toEqual([3, 4, 5, 6]);
    // a grid that does not hold its data is no reading at all
    expect(usableFeatures({ data: new Float32Array(6), dim: 2, gridWidth: 2, gridHeight: 2 }, backbone)).toBeUndefined();
  });

  it('reads features only in the form the export was trained on: raw for a raw model, golden-relative for a relative one', () => {
    const relative = { ...ours, input: 'golden-relative' as const };
    expect(usableFeatures(relative, backbone)).toBeUndefined();
    expect(usableFeatures(relative, backbone, undefined, 'golden-relative')).toBe(relative);
    expect(usableFeatures(ours, backbone, undefined, 'golden-relative')).toBeUndefined();
    expect(usableFeatures({ ...ours, input: 'raw' as const }, backbone, undefined, 'raw')).toEqual({ ...ours, input: 'raw' });
  });
});
