import { describe, expect, it } from 'vitest';
import { StationError } from '../../../common/errors';
import type { DialogFeatures, DialogModel, DialogRequest } from '../../../host/lmm/dialog-model';
import { gaussianSamples, seededRandom } from '../../../host/experts/components/rng';
import { checkGoldens, featuresIfTrusted, GOLDEN_CHECK_SIZE, pickGoldens, type GoldenCheck, type GoldenInspection } from '../../../host/lmm/golden-check';

/** A model that reads features and answers each golden as scripted, in order; it records what it was asked. */
function scripted(answers: Array<{ text: string; read: boolean; odds?: number }>, visualInput: DialogModel['visualInput'] = 'raw'): DialogModel & { asked: DialogRequest[] } {
  const asked: DialogRequest[] = [];
  return {
    name: 'scripted',
    version: '1',
    readsFeatures: true,
    visualInput,
    asked,
    async generate(req) {
      const a = answers[asked.length] ?? { text: 'No, nothing.', read: true };
      asked.push(req);
      return { text: a.text, firstTokenMs: 1, totalMs: 1, tokens: 3, readFeatures: a.read, ...(a.odds !== undefined ? { yesOdds: a.odds } : {}) };
    },
  };
}

const features: DialogFeatures = { data: new Float32Array(4), dim: 1, gridWidth: 2, gridHeight: 2 };
const golden = (withFeatures = true): GoldenInspection => ({
  map: new Float32Array(4),
  mapWidth: 2,
  mapHeight: 2,
  score: 0.05,
  ...(withFeatures ? { features } : {}),
});
/** The check's counts and verdict, as a report states them. */
const counts = ({ checked, saidYes, readsProduct }: GoldenCheck) => ({ checked, saidYes, readsProduct });

/** Features of a good part of one product: a shared texture plus a little per-part noise. */
function goodPart(seed: number): DialogFeatures {
  const texture = gaussianSamples(seededRandom(99), 6 * 6 * 8);
  const noise = gaussianSamples(seededRandom(seed), texture.length);
  return { data: Float32Array.from(texture, (t, i) => 5 + 3 * t + 0.1 * (noise[i] as number)), dim: 8, gridWidth: 6, gridHeight: 6 };
}
const goldenWith = (f: DialogFeatures): GoldenInspection => ({ ...golden(false), features: f });

const yes = { text: 'Yes, a tiny dust speck in the center.', read: true };
const no = { text: 'No, there is no anomaly on the tile.', read: true };

describe('checkGoldens', () => {
  it('fails a product when more than a quarter of its goldens get "Yes", and passes it at a quarter', async () => {
    const eight = Array.from({ length: 8 }, () => golden());
    const failing = await checkGoldens(scripted([yes, no, yes, no, yes, no, no, no]), 'tile', eight, 'cpu');
    expect(counts(failing)).toEqual({ checked: 8, saidYes: 3, readsProduct: false });
    expect(failing.reason).toBe('the model called 3 of 8 goldens defective');
    const passing = await checkGoldens(scripted([yes, no, yes, no, no, no, no, no]), 'tile', eight, 'cpu');
    expect(counts(passing)).toEqual({ checked: 8, saidYes: 2, readsProduct: true });
  });

  it('fails a one-golden product on a single "Yes"', async () => {
    expect((await checkGoldens(scripted([yes]), 'tile', [golden()], 'cpu')).readsProduct).toBe(false);
    expect((await checkGoldens(scripted([no]), 'tile', [golden()], 'cpu')).readsProduct).toBe(true);
  });

  it('counts only goldens whose features the model read, and asks first answers without instructions', async () => {
    const model = scripted([{ ...yes, read: false }, no, { ...yes, read: false }]);
    const check = await checkGoldens(model, 'bottle', [golden(), golden(false), golden(), golden()], 'cpu');
    // the golden without features is not asked; the two unread "Yes" answers do not count
    expect(model.asked).toHaveLength(3);
    expect(counts(check)).toEqual({ checked: 1, saidYes: 0, readsProduct: true });
    expect(model.asked.every((r) => r.question === null && r.history.length === 0 && r.instructions.length === 0 && r.product === 'bottle')).toBe(true);
  });

  it('keeps how far each checked golden leaned towards "Yes", only for answers that read features', async () => {
    const model = scripted([{ ...no, odds: -2.5 }, { ...yes, read: false, odds: 4 }, { ...no, odds: -0.5 }]);
    expect((await checkGoldens(model, 'bottle', [golden(), golden(), golden()], 'cpu')).goldenOdds).toEqual([-2.5, -0.5]);
    expect((await checkGoldens(scripted([no]), 'bottle', [golden()], 'cpu')).goldenOdds).toBeUndefined();
  });

  it('passes a product whose features were never read: there is no reading to withhold', async () => {
    expect(counts(await checkGoldens(scripted([{ ...yes, read: false }]), 'tile', [golden()], 'cpu'))).toEqual({ checked: 0, saidYes: 0, readsProduct: true });
  });

  it('for a golden-relative model, fits the input on every golden and asks each checked golden held out of it', async () => {
    const model = scripted([], 'golden-relative');
    const goldens = Array.from({ length: 10 }, (_, i) => goldenWith(goodPart(i)));
    const check = await checkGoldens(model, 'tile', goldens, 'cpu');
    expect(check.readsProduct).toBe(true);
    expect(check.adapter?.input).toBe('golden-relative');
    expect(model.asked).toHaveLength(GOLDEN_CHECK_SIZE);
    for (const req of model.asked) {
      expect(req.features?.input).toBe('golden-relative');
      // held out: a golden is not its own nearest patch, so its residual is noise, not zero
      const rms = Math.sqrt((req.features?.data ?? new Float32Array()).reduce((s, v) => s + v * v, 0) / (req.features?.data.length ?? 1));
      expect(rms).toBeGreaterThan(0.3);
      expect(rms).toBeLessThan(3);
    }
    // a new image's features reach the model in the same form
    const request = await featuresIfTrusted({ product: 'tile', features: goodPart(50), question: null }, check);
    expect(request.features?.input).toBe('golden-relative');
  });

  it('fails a golden-relative product with the reason when a golden has no features to fit the input on', async () => {
    const model = scripted([], 'golden-relative');
    const check = await checkGoldens(model, 'tile', [goldenWith(goodPart(1)), golden(false)], 'cpu');
    expect(counts(check)).toEqual({ checked: 0, saidYes: 0, readsProduct: false });
    expect(check.reason).toMatch(/1 of 2 have none/);
    expect(model.asked).toHaveLength(0);
    expect((await featuresIfTrusted({ product: 'tile', features: goodPart(50), question: null }, check)).features).toBeUndefined();
  });
});

describe('featuresIfTrusted', () => {
  const request = { product: 'tile', features, question: null };
  it('withholds the features only after a failed check', async () => {
    expect(await featuresIfTrusted(request, { checked: 4, saidYes: 2, readsProduct: false })).toEqual({ product: 'tile', question: null });
    expect(await featuresIfTrusted(request, { checked: 4, saidYes: 1, readsProduct: true })).toBe(request);
    expect(await featuresIfTrusted(request, null)).toBe(request);
  });
});

describe('pickGoldens', () => {
  it('keeps small sets whole and spreads large ones evenly from the first', () => {
    expect(pickGoldens([1, 2, 3])).toEqual([1, 2, 3]);
    const many = Array.from({ length: 209 }, (_, i) => i);
    const picked = pickGoldens(many);
    expect(picked).toHaveLength(GOLDEN_CHECK_SIZE);
    expect(picked[0]).toBe(0);
    expect(new Set(picked).size).toBe(GOLDEN_CHECK_SIZE);
    expect(picked[GOLDEN_CHECK_SIZE - 1]).toBeGreaterThan(180);
  });
});

describe('checkGoldens with the recipe version adapter', () => {
  it("withholds the features and says why in the answers when the version's adaptation is unfit or stale", async () => {
    const model = scripted([], 'golden-relative');
    const stale = async () => {
      throw new StationError('INVALID_INPUT', 'The visual adaptation of tile version 2 is stale: its golden set is not the version\'s; refit the recipe to adapt again');
    };
    const check = await checkGoldens(model, 'tile', [goldenWith(goodPart(1)), goldenWith(goodPart(2))], 'cpu', undefined, stale);
    expect(counts(check)).toEqual({ checked: 0, saidYes: 0, readsProduct: false });
    expect(model.asked).toHaveLength(0);
    expect(check.fallback).toBe("(The expert's verdict stands: The visual adaptation of tile version 2 is stale: its golden set is not the version's; refit the recipe to adapt again.)");
    expect((await featuresIfTrusted({ features: goodPart(3) }, check)).features).toBeUndefined();
  });

  it('a failure that is not about the goldens (a file system error) is thrown, not taken for a fallback', async () => {
    const broken = async () => {
      throw new StationError('DISK_FULL', 'no space left');
    };
    await expect(checkGoldens(scripted([], 'golden-relative'), 'tile', [goldenWith(goodPart(1))], 'cpu', undefined, broken)).rejects.toMatchObject({ code: 'DISK_FULL' });
  });
});
