import { describe, expect, it } from 'vitest';
import type { DialogFeatures, DialogModel, DialogRequest } from '../../../host/lmm/dialog-model';
import { checkGoldens, featuresIfTrusted, GOLDEN_CHECK_SIZE, pickGoldens, type GoldenInspection } from '../../../host/lmm/golden-check';

/** A model that reads features and answers each golden as scripted, in order; it records what it was asked. */
function scripted(answers: Array<{ text: string; read: boolean }>): DialogModel & { asked: DialogRequest[] } {
  const asked: DialogRequest[] = [];
  return {
    name: 'scripted',
    version: '1',
    readsFeatures: true,
    asked,
    async generate(req) {
      const a = answers[asked.length] ?? { text: 'No, nothing.', read: true };
      asked.push(req);
      return { text: a.text, firstTokenMs: 1, totalMs: 1, tokens: 3, readFeatures: a.read };
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
const yes = { text: 'Yes, a tiny dust speck in the center.', read: true };
const no = { text: 'No, there is no anomaly on the tile.', read: true };

describe('checkGoldens', () => {
  it('fails a product when more than a quarter of its goldens get "Yes", and passes it at a quarter', async () => {
    const eight = Array.from({ length: 8 }, () => golden());
    const failing = await checkGoldens(scripted([yes, no, yes, no, yes, no, no, no]), 'tile', eight);
    expect(failing).toEqual({ checked: 8, saidYes: 3, readsProduct: false });
    const passing = await checkGoldens(scripted([yes, no, yes, no, no, no, no, no]), 'tile', eight);
    expect(passing).toEqual({ checked: 8, saidYes: 2, readsProduct: true });
  });

  it('fails a one-golden product on a single "Yes"', async () => {
    expect((await checkGoldens(scripted([yes]), 'tile', [golden()])).readsProduct).toBe(false);
    expect((await checkGoldens(scripted([no]), 'tile', [golden()])).readsProduct).toBe(true);
  });

  it('counts only goldens whose features the model read, and asks first answers without instructions', async () => {
    const model = scripted([{ ...yes, read: false }, no, { ...yes, read: false }]);
    const check = await checkGoldens(model, 'bottle', [golden(), golden(false), golden(), golden()]);
    // the golden without features is not asked; the two unread "Yes" answers do not count
    expect(model.asked).toHaveLength(3);
    expect(check).toEqual({ checked: 1, saidYes: 0, readsProduct: true });
    expect(model.asked.every((r) => r.question === null && r.history.length === 0 && r.instructions.length === 0 && r.product === 'bottle')).toBe(true);
  });

  it('passes a product whose features were never read: there is no reading to withhold', async () => {
    expect(await checkGoldens(scripted([{ ...yes, read: false }]), 'tile', [golden()])).toEqual({ checked: 0, saidYes: 0, readsProduct: true });
  });
});

describe('featuresIfTrusted', () => {
  const request = { product: 'tile', features, question: null };
  it('withholds the features only after a failed check', () => {
    expect(featuresIfTrusted(request, { checked: 4, saidYes: 2, readsProduct: false })).toEqual({ product: 'tile', question: null });
    expect(featuresIfTrusted(request, { checked: 4, saidYes: 1, readsProduct: true })).toBe(request);
    expect(featuresIfTrusted(request, null)).toBe(request);
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
