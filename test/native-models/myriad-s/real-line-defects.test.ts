import { describe, expect, it } from 'vitest';
import { ANSWER_LANGUAGE } from '../../../common/answer-language';
import { pythonImports, runPythonJson } from '../../support/python';

/**
 * The defects real lines see and the synthetic engine paints (native-models/myriad-s/myriad_s/synth/
 * defects.py): pitting darker than the surface and dust lighter than it, so a tiny dark spot is not
 * learnt as dust; a frayed edge and a chip on a full-frame surface sit on the frame's border, where a
 * tile's or plate's own edge is; and the words people use for them name the type.
 */
const hasNumpy = pythonImports('numpy');

const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, 'native-models/myriad-s')
from myriad_s.synth import defects as d
from myriad_s.synth.parts import make_product, render

def ring(mask, k=3):
    grown = mask.copy()
    for _ in range(k):
        grown = grown | np.roll(grown, 1, 0) | np.roll(grown, -1, 0) | np.roll(grown, 1, 1) | np.roll(grown, -1, 1)
    return grown & ~mask

def luma(img):
    return img.mean(axis=2)

out = {'pit_contrast': [], 'dust_contrast': [], 'pit_size': [], 'fray_on_border': [], 'fray_sides': [], 'chip_on_border': 0, 'chips': 0, 'object_fray_on_part': []}
rng = np.random.default_rng(11)
for i in range(24):
    product = make_product(rng, ['brushed metal', 'cast metal', 'tiles', 'wood'][i % 4])
    img, fg = render(product, rng, 128)
    pitted, m = d.pitting(img, rng, fg)
    if m.any():
        core = m & (luma(pitted) < luma(img) - 0.02)
        out['pit_contrast'].append(float(luma(pitted)[core].mean() - luma(img)[ring(m)].mean()) if core.any() else 0.0)
        out['pit_size'].append(float(m.mean()))
    dusty, m = d.dust(img, rng, fg)
    out['dust_contrast'].append(float(luma(dusty)[m].mean() - luma(img)[m].mean()))
    frayed, m = d.fray(img, rng, fg, product.params['background'])
    edges = [m[0].any(), m[-1].any(), m[:, 0].any(), m[:, -1].any()]
    out['fray_on_border'].append(bool(any(edges)))
    out['fray_sides'].append(int(sum(edges)))
    chipped, m = d.missing_piece(img, rng, fg, product.params['background'])
    out['chips'] += 1
    out['chip_on_border'] += int(bool(m[0].any() or m[-1].any() or m[:, 0].any() or m[:, -1].any()))
for i in range(8):
    product = make_product(rng, ['nut', 'bottle'][i % 2])
    img, fg = render(product, rng, 128)
    frayed, m = d.fray(img, rng, fg, product.params['background'])
    out['object_fray_on_part'].append(bool(m.any() and not (m & ~fg).any()))
print(json.dumps(out))
`;

describe.skipIf(!hasNumpy)('defects real lines see, in the synthetic engine', () => {
  it('paints pits darker and dust lighter than the surface, fray and chips on the frame of a full-frame surface', () => {
    const out = runPythonJson(SCRIPT) as {
      pit_contrast: number[];
      dust_contrast: number[];
      pit_size: number[];
      fray_on_border: boolean[];
      fray_sides: number[];
      chip_on_border: number;
      chips: number;
      object_fray_on_part: boolean[];
    };
    expect(out.pit_contrast.length).toBeGreaterThan(18);
    for (const c of out.pit_contrast) expect(c).toBeLessThan(-0.01);
    for (const c of out.dust_contrast) expect(c).toBeGreaterThan(0.005);
    // pits are small: the whole cluster under 3 % of the image
    for (const s of out.pit_size) expect(s).toBeLessThan(0.03);
    expect(out.fray_on_border.every(Boolean)).toBe(true);
    // one stretch of one edge (a corner may touch two sides)
    for (const n of out.fray_sides) expect(n).toBeLessThanOrEqual(2);
    // half of a surface's chips are on the frame (a few inner ones may reach it too)
    expect(out.chip_on_border / out.chips).toBeGreaterThan(0.3);
    expect(out.object_fray_on_part.filter(Boolean).length).toBeGreaterThanOrEqual(7);
  });

  it('names pitting and fray with the words inspectors use for them', () => {
    const named = (type: string, text: string) => new RegExp((ANSWER_LANGUAGE.defects[type] as { named_by: string }).named_by, 'i').test(text);
    for (const text of ['a small pitted area', 'pitting on the flank', 'two pits', 'a pit near the thread']) expect(named('pitting', text)).toBe(true);
    for (const text of ['a spitting image', 'the pitch of the thread', 'a hole']) expect(named('pitting', text)).toBe(false);
    for (const text of ['a frayed edge', 'fraying at the border']) expect(named('fray', text)).toBe(true);
    expect(named('fray', 'a rough surface')).toBe(false);
    for (const text of ['a chipped edge', 'two chips on the rim']) expect(named('chip', text)).toBe(true);
    expect(named('chip', 'a microchip')).toBe(false);
  });

  it('records damage along an edge as frayed on a textile and chipped on a hard part', () => {
    const script = `
import json, sys
import numpy as np
sys.path.insert(0, 'native-models/myriad-s')
from myriad_s.synth.engine import make_sample
from myriad_s.synth.parts import make_product
rng = np.random.default_rng(4)
seen = {}
for family in ['woven fabric', 'leather', 'tiles', 'bottle', 'brushed metal']:
    product = make_product(rng, family)
    types = set()
    for _ in range(120):
        types |= {d['type'] for d in make_sample(product, rng, 64, anomalous=True).defects}
    seen[family] = sorted(types & {'fray', 'chip'})
print(json.dumps(seen))
`;
    expect(runPythonJson(script)).toEqual({ 'woven fabric': ['fray'], leather: ['fray'], tiles: ['chip'], bottle: ['chip'], 'brushed metal': ['chip'] });
  });
});
