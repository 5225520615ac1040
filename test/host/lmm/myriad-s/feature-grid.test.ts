import { describe, expect, it } from 'vitest';
import { fitFeatureGrid } from '../../../../host/lmm/myriad-s/feature-grid';

/** One channel on a (width x height) grid, row-major. */
const plane = (values: number[], width: number, height: number) => ({ data: Float32Array.from(values), dim: 1, gridWidth: width, gridHeight: height });

describe('fitFeatureGrid', () => {
  it('hands features already on the grid back untouched', () => {
    const f = plane([1, 2, 3, 4], 2, 2);
    expect(fitFeatureGrid(f, 2, 2)).toBe(f);
  });

  it('averages the cells each output cell covers when an axis shrinks, whole and fractional', () => {
    expect(Array.from(fitFeatureGrid(plane([1, 3, 5, 7], 4, 1), 2, 1).data)).toEqual([2, 6]);
    // 5 -> 2: each output cell covers 2.5 input cells
    const out = fitFeatureGrid(plane([0, 10, 20, 30, 40], 5, 1), 2, 1);
    expect(out.data[0]).toBeCloseTo((0 + 10 + 0.5 * 20) / 2.5, 5);
    expect(out.data[1]).toBeCloseTo((0.5 * 20 + 30 + 40) / 2.5, 5);
    expect([out.gridWidth, out.gridHeight]).toEqual([2, 1]);
  });

  it('keeps a one-cell-wide residual that point sampling would step over', () => {
    // 80 cells across (a 2.5:1 part), a thin defect in cell 41 only: it lands in output cell 16
    const values = new Array(80).fill(0);
    values[41] = 1;
    const out = fitFeatureGrid(plane(values, 80, 1), 32, 1);
    expect(out.data[16]).toBeCloseTo(1 / 2.5, 5);
    expect(Array.from(out.data).reduce((a, v) => a + v, 0)).toBeCloseTo(1 / 2.5, 5);
  });

  it('is bilinear with half-pixel centres when an axis grows, as PyTorch interpolates', () => {
    // torch.nn.functional.interpolate(torch.tensor([[[[0.,1.]]]]), size=(1,4), mode='bilinear')
    expect(Array.from(fitFeatureGrid(plane([0, 1], 2, 1), 4, 1).data)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('resamples each channel on its own and each axis on its own (a wide grid onto a square one)', () => {
    // 2 channels on a 4x2 grid: channel 0 = x, channel 1 = 10 * y
    const data: number[] = [];
    for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) data.push(x, 10 * y);
    const out = fitFeatureGrid({ data: Float32Array.from(data), dim: 2, gridWidth: 4, gridHeight: 2, backboneSha256: 'a'.repeat(64) }, 2, 2);
    expect(Array.from(out.data)).toEqual([0.5, 0, 2.5, 0, 0.5, 10, 2.5, 10]);
    expect(out.backboneSha256).toBe('a'.repeat(64));
    expect(out.dim).toBe(2);
  });

  it('refuses features that do not fill their grid', () => {
    expect(() => fitFeatureGrid({ data: new Float32Array(7), dim: 2, gridWidth: 2, gridHeight: 2 }, 1, 1)).toThrow(/7 values do not fill a 2x2 grid of 2 channels/);
  });
});
