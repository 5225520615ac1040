import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fittedPhotometric, isGrey, resolvePhotometric, standardisePixels } from '../../../../host/experts/components/photometric';
import type { GoldenImage } from '../../../../host/experts/expert';
import { fitExpert, loadExpert, saveExpert } from '../../../../host/experts/index';
import { readImageFile } from '../../../../host/imaging/decode';
import type { RgbImage } from '../../../../host/imaging/rgb-image';
import { BOTTLE, HAS_BACKBONE, HAS_BOTTLE, dataDirWithBackbone } from '../shared-fixtures';

const meanStd = (v: Float32Array) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
};

/** Luminance grey, then each grey level mapped by `level` (an exposure change of the lamp). */
function grey(image: RgbImage, level: (v: number) => number = (v) => v): RgbImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i += 3) {
    const y = 0.299 * (image.data[i] as number) + 0.587 * (image.data[i + 1] as number) + 0.114 * (image.data[i + 2] as number);
    data[i] = data[i + 1] = data[i + 2] = Math.max(0, Math.min(255, Math.round(level(y))));
  }
  return { data, width: image.width, height: image.height };
}

describe('photometric normalisation', () => {
  it('standardises one grey-level mean and spread over all channels, clamped to 0..255', () => {
    const ramp = Float32Array.from({ length: 3 * 64 }, (_, i) => 20 + (i % 64));
    const { mean, std } = meanStd(standardisePixels(ramp));
    expect(mean).toBeCloseTo(128, 3);
    expect(std).toBeCloseTo(40, 3);
    // The same image darker and flatter comes out the same: exposure and contrast are gone.
    const dim = Float32Array.from({ length: 3 * 64 }, (_, i) => 5 + 0.5 * (i % 64));
    const a = standardisePixels(Float32Array.from({ length: 3 * 64 }, (_, i) => 20 + (i % 64)));
    expect(Array.from(standardisePixels(dim)).map((v, i) => Math.abs(v - (a[i] as number))).every((d) => d < 1e-3)).toBe(true);
    // A flat image is not blown up into noise; an outlier is clamped.
    const flat = Float32Array.from({ length: 300 }, (_, i) => 100 + (i % 2));
    expect(Math.max(...standardisePixels(flat)) - Math.min(...flat)).toBeLessThan(10 + 128);
    expect(meanStd(standardisePixels(Float32Array.from({ length: 300 }, (_, i) => 100 + (i % 2)))).std).toBeLessThan(5.1);
    const spike = new Float32Array(300);
    spike[0] = 255;
    expect(Math.max(...standardisePixels(spike))).toBe(255);
  });

  it('tells grey images from colour ones, tolerating JPEG chroma noise', () => {
    const px = (rgb: number[][]) => ({ data: Uint8Array.from(rgb.flat()), width: rgb.length, height: 1 });
    expect(isGrey(px([[10, 10, 10], [200, 202, 199]]))).toBe(true);
    expect(isGrey(px([[10, 10, 10], [200, 180, 199]]))).toBe(false);
  });

  it("resolves 'auto' from the golden set, and reads fits stored before the option as none", () => {
    const g = (data: number[]): GoldenImage => ({ name: 'x', image: { data: Uint8Array.from(data), width: 1, height: 1 } });
    expect(resolvePhotometric('auto', [g([5, 5, 5]), g([9, 9, 9])])).toMatchObject({ photometric: 'standardise' });
    expect(resolvePhotometric('auto', [g([5, 5, 5]), g([9, 40, 9])])).toEqual({ photometric: 'none', notes: [] });
    expect(resolvePhotometric('none', [g([5, 5, 5])]).photometric).toBe('none');
    expect(resolvePhotometric('standardise', [g([9, 40, 9])]).photometric).toBe('standardise');
    expect(fittedPhotometric(undefined)).toBe('none');
    expect(fittedPhotometric('auto')).toBe('none');
    expect(fittedPhotometric('standardise')).toBe('standardise');
  });
});

describe.skipIf(!(HAS_BACKBONE && HAS_BOTTLE))('photometric normalisation in a fitted expert (real backbone)', () => {
  let dataDir: string;
  let golden: GoldenImage[];
  let test: RgbImage;
  beforeAll(async () => {
    dataDir = await dataDirWithBackbone();
    const names = (await readdir(join(BOTTLE, 'train/good'))).sort().slice(0, 4);
    golden = await Promise.all(names.map(async (n) => ({ name: n, image: grey(await readImageFile(join(BOTTLE, 'train/good', n))) })));
    test = await readImageFile(join(BOTTLE, 'test/good/000.png'));
  });
  const runtime = () => ({ dataDir, device: 'cpu' as const, seed: 0 });
  const OPTIONS = {
    patchcore: { inputSize: 128, minBankRows: 256, maxBankRows: 512, syntheticAnomalies: 8 },
    padim: { inputSize: 128, syntheticAnomalies: 8 },
  };

  for (const kind of ['patchcore', 'padim'] as const) {
    const options = OPTIONS[kind];
    it(`${kind}: a grey golden set is standardised at fit, inspection and after reload, so a dimmer lamp is not a defect`, async () => {
      const fitted = await fitExpert({ kind, options }, golden, runtime());
      expect((fitted.state.config as { photometric: string }).photometric).toBe('standardise');
      expect(fitted.expert.descriptor.notes.join(' ')).toMatch(/grey levels standardised/);
      const plain = await fitExpert({ kind, options: { ...options, photometric: 'none' } }, golden, runtime());
      expect((plain.state.config as { photometric: string }).photometric).toBe('none');

      const normal = grey(test);
      const dimmer = grey(test, (v) => 0.55 * v + 10);
      const rise = async (e: typeof fitted.expert) => (await e.inspect(dimmer)).score - (await e.inspect(normal)).score;
      const standardisedRise = await rise(fitted.expert);
      const plainRise = await rise(plain.expert);
      expect(plainRise).toBeGreaterThan(0.1);
      expect(Math.abs(standardisedRise)).toBeLessThan(plainRise / 3);

      const dir = await mkdtemp(join(tmpdir(), 'photometric-'));
      await saveExpert(fitted, dir);
      const loaded = await loadExpert(dir, runtime());
      expect((await loaded.inspect(dimmer)).score).toBeCloseTo((await fitted.expert.inspect(dimmer)).score, 5);
    });
  }
});
