import { describe, expect, it } from 'vitest';
import { MIN_BASELINE_MAPS, applyBaseline, baselineOf, fitBaseline, resolveBaseline } from '../../../../host/experts/components/position-baseline';

// 2x2 maps: position 0 is a border that is high on every golden map.
const maps = [
  Float32Array.from([5, 1, 1, 1]),
  Float32Array.from([7, 1, 2, 1]),
  Float32Array.from([6, 2, 1, 1]),
];

describe('position baseline', () => {
  it('needs enough held-out maps to leave one out', () => {
    expect(fitBaseline(maps.slice(0, MIN_BASELINE_MAPS - 1), 2, 2)).toBeNull();
    expect(fitBaseline(maps, 2, 2)?.count).toBe(3);
  });

  it('subtracts each position mean less the overall mean, so the raw scale stays', () => {
    const fit = fitBaseline(maps, 2, 2);
    if (!fit) throw new Error('no fit');
    const b = baselineOf(fit, 2, 2);
    // Means per position: 6, 4/3, 4/3, 1; overall 2.4166...
    const overall = (6 + 4 / 3 + 4 / 3 + 1) / 4;
    expect(Array.from(b.offsets)).toEqual([6 - overall, 4 / 3 - overall, 4 / 3 - overall, 1 - overall].map((v) => Math.fround(v)));
    // A good part shaped like the goldens comes out flat; a defect in the interior now tops the border.
    const part = applyBaseline(Float32Array.from([6, 1, 4, 1]), b);
    expect(part.indexOf(Math.max(...part))).toBe(2);
  });

  it('leaves the scored map out of its own baseline', () => {
    const fit = fitBaseline(maps, 2, 2);
    if (!fit) throw new Error('no fit');
    const without = baselineOf(fit, 2, 2, maps[1]);
    const others = baselineOf(fitBaseline([maps[0] as Float32Array, maps[2] as Float32Array, maps[0] as Float32Array], 2, 2) ?? fit, 2, 2);
    // The mean of maps 0 and 2 at position 0 is 5.5, whatever map 1 held there.
    const overall = (5.5 + 1.5 + 1 + 1) / 4;
    expect(without.offsets[0]).toBeCloseTo(5.5 - overall, 6);
    expect(others.offsets[0]).not.toBeCloseTo(without.offsets[0] as number, 3);
  });

  it('refuses a map of another size', () => {
    const fit = fitBaseline(maps, 2, 2);
    if (!fit) throw new Error('no fit');
    expect(() => applyBaseline(new Float32Array(6), baselineOf(fit, 2, 2))).toThrow(/does not fit the position baseline of 2x2/);
  });

  it('is left out by default only for a few golden images held out view by view, and says so', () => {
    const notes: string[] = [];
    expect(resolveBaseline(undefined, 1, true, notes)).toBe('position');
    expect(resolveBaseline(undefined, 12, false, notes)).toBe('position');
    expect(notes).toEqual([]);
    expect(resolveBaseline(undefined, 3, true, notes)).toBe('none');
    expect(notes).toEqual(["no position baseline: 3 golden images held out view by view leave each view's own image in the bank"]);
    // What the options name is used as is, with no note.
    expect(resolveBaseline('position', 3, true, [])).toBe('position');
    expect(resolveBaseline('none', 1, true, [])).toBe('none');
  });
});
