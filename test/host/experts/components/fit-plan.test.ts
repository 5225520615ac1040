import { describe, expect, it } from 'vitest';
import { assignFolds, fittedDescriptor, heldOutCalibration, mapFloor, planGoldenFit, unitSource, unitsOf } from '../../../../host/experts/components/fit-plan';
import { seededRandom } from '../../../../host/experts/components/rng';
import type { GoldenImage } from '../../../../host/experts/expert';

function golden(name: string, value: number): GoldenImage {
  return { name, image: { width: 2, height: 2, data: new Uint8Array(12).fill(value) } };
}

const PLAN = { augment: 'auto', augmentBelow: 2, viewUnitsBelow: 2, photometric: 'none', aspect: 'auto', inputSize: 64 } as const;

describe('fit plan', () => {
  it('drops duplicates with a note, augments small sets and calibrates the smallest on held-out views', () => {
    const three = planGoldenFit([golden('a', 1), golden('b', 2), golden('c', 1), golden('d', 3)], PLAN);
    expect(three.images.map((g) => g.name)).toEqual(['a', 'b', 'd']);
    expect(three).toMatchObject({ viewUnits: false, augment: 'none', notes: ['c is a duplicate of a and was left out'] });

    const two = planGoldenFit([golden('a', 1), golden('b', 2)], PLAN);
    expect(two).toMatchObject({ viewUnits: true, augment: 'dihedral' });
    expect(two.notes).toEqual(['golden images augmented with dihedral views', expect.stringMatching(/^2 golden images: calibrated on their dihedral views/)]);
    // Held-out views need views: without augmentation two images are held out whole.
    expect(planGoldenFit([golden('a', 1), golden('b', 2)], { ...PLAN, augment: 'none' })).toMatchObject({ augment: 'none', viewUnits: false });
    expect(planGoldenFit([golden('a', 1), golden('b', 2)], { ...PLAN, viewUnitsBelow: 1 })).toMatchObject({ augment: 'dihedral', viewUnits: false });

    // One image is always augmented and calibrated on its views, whatever the options say.
    const one = planGoldenFit([golden('a', 1), golden('b', 1)], { ...PLAN, augment: 'none', viewUnitsBelow: 0 });
    expect(one).toMatchObject({ viewUnits: true, augment: 'dihedral' });
    expect(one.notes).toEqual([
      'b is a duplicate of a and was left out',
      'golden images augmented with dihedral views',
      'one golden image: calibrated on its dihedral views (views held out in folds)',
    ]);
  });

  it('lays units out as whole images or as single views, and maps a unit back to its image and view', () => {
    const perImage = [['a0', 'a1', 'a2'], ['b0', 'b1', 'b2']];
    expect(unitsOf(perImage, false)).toEqual(perImage);
    const views = unitsOf(perImage, true);
    expect(views).toEqual([['a0'], ['a1'], ['a2'], ['b0'], ['b1'], ['b2']]);
    views.forEach(([name], u) => {
      const { image, view } = unitSource(u, true, 3);
      expect(perImage[image]?.[view]).toBe(name);
    });
    expect(unitSource(1, false, 3)).toEqual({ image: 1, view: 0 });
  });

  it('spreads units round-robin over at most `folds` folds, reproducibly', () => {
    const { foldCount, foldOf } = assignFolds(10, 3, seededRandom(7));
    expect(foldCount).toBe(3);
    const sizes = [0, 1, 2].map((f) => foldOf.filter((x) => x === f).length).sort();
    expect(sizes).toEqual([3, 3, 4]);
    expect(Array.from(assignFolds(10, 3, seededRandom(7)).foldOf)).toEqual(Array.from(foldOf));
    expect(assignFolds(2, 5, seededRandom(1)).foldCount).toBe(2);
  });

  it('takes the median of every 7th map value as the floor', () => {
    const map = Float32Array.from({ length: 21 }, (_, i) => i);
    expect(mapFloor(map)).toBe(7);
  });

  it('names the calibration method from the split and normalises held-out scores to below 0.5', () => {
    const held = { scores: [1, 1.1, 0.9, 1.05], floors: [0.3, 0.4] };
    const loo = heldOutCalibration(held, 2, { viewUnits: false, foldCount: 4, unitCount: 4 });
    expect(loo.calibration.method).toBe('leave-one-out');
    expect(loo.calibration.heldOutScores).toHaveLength(4);
    for (const s of loo.calibration.heldOutScores) expect(s).toBeLessThan(0.5);
    expect(loo.band.t1).toBeLessThan(0.5);
    expect(loo.band.t2).toBeGreaterThan(0.5);
    expect(heldOutCalibration(held, 2, { viewUnits: false, foldCount: 3, unitCount: 4 }).calibration.method).toBe('k-fold:3');
    expect(heldOutCalibration(held, 2, { viewUnits: true, foldCount: 4, unitCount: 8 }).calibration.method).toBe('augmented-views:8');
    expect(heldOutCalibration(held, 2, { viewUnits: true, foldCount: 5, unitCount: 32 }).calibration.method).toBe('augmented-views:32');
  });

  it('describes a fitted expert with its backbone, square input, band, golden count and notes', () => {
    const calibrated = heldOutCalibration({ scores: [1, 1.2], floors: [0.2] }, 1, { viewUnits: false, foldCount: 2, unitCount: 2 });
    const plan = planGoldenFit([golden('a', 1), golden('b', 2), golden('c', 2)], { ...PLAN, augment: 'none' });
    const d = fittedDescriptor({ kind: 'padim', version: 3 }, { backbone: 'bb', inputSize: 224 }, 'abc', calibrated, plan);
    expect(d).toEqual({
      kind: 'padim',
      version: 3,
      backbone: 'bb',
      backboneSha256: 'abc',
      inputWidth: 224,
      inputHeight: 224,
      band: calibrated.band,
      goldenCount: 2,
      calibration: calibrated.calibration,
      notes: ['c is a duplicate of b and was left out'],
    });
    expect(Object.keys(d)).toEqual(['kind', 'version', 'backbone', 'backboneSha256', 'inputWidth', 'inputHeight', 'band', 'goldenCount', 'calibration', 'notes']);
  });
});
