import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../../../host/imaging/rgb-image';
import { NUISANCE_INSTRUCTIONS, NUISANCE_KINDS, nuisanceSeed, paintNuisance } from '../../../lab/evaluation/nuisances/index';
import { SHADOW_STRENGTH } from '../../../lab/evaluation/nuisances/shadow';
import { LINT_VALUE } from '../../../lab/evaluation/nuisances/dust';
import { mulberry32 } from '../../../lab/evaluation/shots';

const W = 96;
const H = 64;

function flat(value: number): RgbImage {
  return { data: new Uint8Array(W * H * 3).fill(value), width: W, height: H };
}

/** A textured part: every channel differs, so a change of hue or texture would show. */
function textured(seed: number): RgbImage {
  const random = mulberry32(seed);
  const data = new Uint8Array(W * H * 3);
  for (let i = 0; i < data.length; i++) data[i] = 60 + Math.floor(random() * 140);
  return { data, width: W, height: H };
}

const SEEDS = Array.from({ length: 12 }, (_, i) => nuisanceSeed(i, 'shadow', `good/${i}.png`));

describe('painted nuisances', () => {
  it('a shadow darkens multiplicatively inside its region only, by at most its strength, with a soft edge', () => {
    for (const seed of SEEDS) {
      const image = textured(seed);
      const { image: out, field } = paintNuisance(image, 'shadow', seed);
      const broken = { outsideChanged: 0, brightened: 0, tooDark: 0, umbraOffStrength: 0, coverageOutOfRange: 0 };
      let umbra = 0;
      let penumbra = 0;
      for (let p = 0; p < W * H; p++) {
        const c = field.coverage[p] as number;
        if (c < 0 || c > 1) broken.coverageOutOfRange++;
        if (c === 1) umbra++;
        else if (c > 0) penumbra++;
        for (let k = p * 3; k < p * 3 + 3; k++) {
          const before = image.data[k] as number;
          const after = out.data[k] as number;
          if (c === 0 && after !== before) broken.outsideChanged++;
          if (after > before) broken.brightened++;
          // never darker than the strongest shadow allows (rounding: half a grey level)
          if (after < before * (1 - SHADOW_STRENGTH.max) - 0.5) broken.tooDark++;
          const ratio = after / before;
          if (c === 1 && (ratio < 1 - SHADOW_STRENGTH.max - 0.01 || ratio > 1 - SHADOW_STRENGTH.min + 0.01)) broken.umbraOffStrength++;
        }
      }
      expect(broken, `seed ${seed}`).toEqual({ outsideChanged: 0, brightened: 0, tooDark: 0, umbraOffStrength: 0, coverageOutOfRange: 0 });
      expect(umbra, `seed ${seed}: a shadow large enough to see`).toBeGreaterThan(0.02 * W * H);
      expect(umbra + penumbra, `seed ${seed}: a shadow, not a dimmed image`).toBeLessThan(0.8 * W * H);
      expect(penumbra, `seed ${seed}: a penumbra, not a step`).toBeGreaterThan(0);
    }
  });

  it("a full shadow scales the three channels alike (the surface's hue and texture stay)", () => {
    const image = textured(7);
    const { image: out, field } = paintNuisance(image, 'shadow', 7);
    const ratios: number[] = [];
    for (let p = 0; p < W * H; p++) {
      if (field.coverage[p] !== 1) continue;
      for (let k = p * 3; k < p * 3 + 3; k++) ratios.push((out.data[k] as number) / (image.data[k] as number));
    }
    expect(ratios.length).toBeGreaterThan(0);
    // one factor over the whole umbra, up to rounding to whole grey levels (values >= 60 here)
    expect(Math.max(...ratios) - Math.min(...ratios)).toBeLessThan(1 / 60 + 1e-9);
  });

  it('glare only brightens, saturates to white in its core and leaves the rest untouched', () => {
    for (const seed of SEEDS) {
      const image = flat(100);
      const { image: out, field } = paintNuisance(image, 'glare', seed);
      let white = 0;
      let lit = 0;
      let darkened = 0;
      let outsideChanged = 0;
      for (let p = 0; p < W * H; p++) {
        const c = field.coverage[p] as number;
        const after = out.data[p * 3] as number;
        if (after < 100) darkened++;
        if (c === 0 && after !== 100) outsideChanged++;
        if (c > 0) lit++;
        if (after === 255) white++;
      }
      expect({ darkened, outsideChanged }).toEqual({ darkened: 0, outsideChanged: 0 });
      expect(white, `seed ${seed}: a clipped core`).toBeGreaterThan(0);
      expect(lit, `seed ${seed}: a lobe, not a wash over the image`).toBeLessThan(0.5 * W * H);
    }
  });

  it('dust is a few small specks, dark or bright', () => {
    let dark = 0;
    let bright = 0;
    for (const seed of SEEDS) {
      const image = flat(128);
      const { image: out } = paintNuisance(image, 'dust', seed);
      let changed = 0;
      for (let p = 0; p < W * H; p++) {
        const after = out.data[p * 3] as number;
        if (after === 128) continue;
        changed++;
        if (after < 128) dark++;
        else if (after <= LINT_VALUE) bright++;
        else throw new Error(`seed ${seed}: a speck brighter than lint (${after})`);
      }
      expect(changed).toBeGreaterThan(0);
      expect(changed, `seed ${seed}: specks, not a stain`).toBeLessThan(0.03 * W * H);
    }
    expect(dark).toBeGreaterThan(0);
    expect(bright).toBeGreaterThan(0);
  });

  it('is deterministic by seed, and the seed depends on the run, the nuisance and the image name', () => {
    const image = textured(3);
    for (const kind of NUISANCE_KINDS) {
      const a = paintNuisance(image, kind, 42).image.data;
      expect(Buffer.from(paintNuisance(image, kind, 42).image.data).equals(Buffer.from(a))).toBe(true);
      expect(Buffer.from(paintNuisance(image, kind, 43).image.data).equals(Buffer.from(a))).toBe(false);
      // the input is never written to
      expect(Buffer.from(image.data).equals(Buffer.from(textured(3).data))).toBe(true);
    }
    expect(nuisanceSeed(0, 'shadow', 'test/good/000.png')).toBe(nuisanceSeed(0, 'shadow', 'test/good/000.png'));
    const seeds = new Set([
      nuisanceSeed(0, 'shadow', 'test/good/000.png'),
      nuisanceSeed(1, 'shadow', 'test/good/000.png'),
      nuisanceSeed(0, 'glare', 'test/good/000.png'),
      nuisanceSeed(0, 'shadow', 'test/good/001.png'),
    ]);
    expect(seeds.size).toBe(4);
  });

  it("asks with instruction texts Myriad-S's corpus teaches", () => {
    const corpus = readFileSync(join(__dirname, '..', '..', '..', 'native-models', 'myriad-s', 'myriad_s', 'corpus.py'), 'utf8');
    for (const kind of NUISANCE_KINDS) expect(corpus, kind).toContain(JSON.stringify(NUISANCE_INSTRUCTIONS[kind]));
  });
});
