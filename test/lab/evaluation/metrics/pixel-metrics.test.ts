import { describe, expect, it } from 'vitest';
import { PixelHistogram } from '../../../../lab/evaluation/metrics/pixel-metrics';
import { labelRegions } from '../../../../lab/evaluation/metrics/regions';
import { mulberry32 } from '../../../../lab/evaluation/shots';

/** Exact AUROC by comparing every positive with every negative (small inputs only). */
function exactAuroc(pos: number[], neg: number[]): number {
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return s / (pos.length * neg.length);
}

interface Sample {
  map: Float32Array;
  labels: Int32Array;
  sizes: number[];
}

/** Exact AUPRO: thresholds at every distinct value, descending, cut at maxFpr. */
function exactAupro(samples: Sample[], maxFpr: number): number {
  const values = [...new Set(samples.flatMap((s) => [...s.map]))].sort((a, b) => b - a);
  let negatives = 0;
  let regions = 0;
  for (const s of samples) {
    negatives += s.labels.filter((l) => l === 0).length;
    regions += s.sizes.length;
  }
  const points: [number, number][] = [[0, 0]];
  for (const t of values) {
    let fp = 0;
    let pro = 0;
    for (const s of samples) {
      const hit = new Array<number>(s.sizes.length).fill(0);
      s.map.forEach((v, i) => {
        const id = s.labels[i] as number;
        if (v < t) return;
        if (id === 0) fp++;
        else (hit[id - 1] as number)++;
      });
      hit.forEach((h, r) => (pro += h / (s.sizes[r] as number)));
    }
    points.push([fp / negatives, pro / regions]);
  }
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1] as [number, number];
    const [x1, y1] = points[i] as [number, number];
    if (x1 >= maxFpr) {
      const yCut = x1 === x0 ? y1 : y0 + ((y1 - y0) * (maxFpr - x0)) / (x1 - x0);
      return (area + ((maxFpr - x0) * (y0 + yCut)) / 2) / maxFpr;
    }
    area += ((x1 - x0) * (y0 + y1)) / 2;
  }
  return area / maxFpr;
}

describe('PixelHistogram', () => {
  it('gives the hand-computed AUROC and AUPRO of a tiny case', () => {
    const h = new PixelHistogram();
    // defective 1x4: region {0,1}; negatives 0.5 and 0.2; good image adds 0 and 0.05
    h.addDefective(new Float32Array([0.9, 0.1, 0.5, 0.2]), new Int32Array([1, 1, 0, 0]), [2]);
    h.addGood(new Float32Array([0, 0.05]));
    // positives 0.9 (beats 4 negatives), 0.1 (beats 0 and 0.05) -> (4 + 2) / 8
    expect(h.auroc().value).toBeCloseTo(0.75, 12);
    // PRO 0.5 from FPR 0 to 0.3 (0.1 is only reached at FPR 0.5) -> area 0.15 / 0.3
    expect(h.aupro().value).toBeCloseTo(0.5, 12);
  });

  it('is 0.5 AUROC for an all-equal map', () => {
    const h = new PixelHistogram();
    h.addDefective(new Float32Array([0.3, 0.3, 0.3]), new Int32Array([1, 0, 0]), [1]);
    expect(h.auroc().value).toBe(0.5);
    // one step from (0,0) to (1,1): PRO at FPR 0.3 is 0.3, area 0.045 / 0.3
    expect(h.aupro().value).toBeCloseTo(0.15, 12);
  });

  it('matches the exact sort-based metrics on random maps with ties', () => {
    const rand = mulberry32(7);
    const samples: Sample[] = [];
    for (let k = 0; k < 6; k++) {
      const w = 12;
      const h = 10;
      // values on a 1/64 grid fall exactly on bin edges, so the histogram must equal the exact sort
      const map = Float32Array.from({ length: w * h }, () => Math.floor(rand() * 64) / 64);
      const mask = Uint8Array.from({ length: w * h }, (_, i) => ((i % w) + Math.floor(i / w) * 3) % 7 < 2 && k % 3 !== 0 ? 1 : 0);
      const r = labelRegions(mask, w, h);
      // make defects score higher on average so the AUROC is not trivially 0.5
      r.labels.forEach((id, i) => id && (map[i] = Math.min(1, (map[i] as number) + 0.25)));
      samples.push({ map, labels: r.labels, sizes: r.sizes });
    }
    const hist = new PixelHistogram();
    const pos: number[] = [];
    const neg: number[] = [];
    for (const s of samples) {
      hist.addDefective(s.map, s.labels, s.sizes);
      s.map.forEach((v, i) => (s.labels[i] ? pos : neg).push(v));
    }
    expect(hist.auroc().value).toBeCloseTo(exactAuroc(pos, neg), 10);
    expect(hist.aupro().value).toBeCloseTo(exactAupro(samples, 0.3), 10);
    expect(hist.auroc().value).toBeGreaterThan(0.6);
  });

  it('stays within 1e-4 of the exact AUROC for continuous values', () => {
    const rand = mulberry32(3);
    const pos = Array.from({ length: 800 }, () => Math.min(1, rand() * 0.6 + 0.3));
    const neg = Array.from({ length: 1500 }, () => rand() * 0.7);
    const h = new PixelHistogram();
    h.addGood(Float32Array.from(neg));
    h.addDefective(Float32Array.from(pos), new Int32Array(pos.length).fill(1), [pos.length]);
    const exact = exactAuroc(Array.from(Float32Array.from(pos)), Array.from(Float32Array.from(neg)));
    expect(Math.abs((h.auroc().value as number) - exact)).toBeLessThan(1e-4);
  });

  it('combines groups as if their pixels were added to one', () => {
    const a = new PixelHistogram();
    const b = new PixelHistogram();
    const one = new PixelHistogram();
    a.addDefective(new Float32Array([0.9, 0.2]), new Int32Array([1, 0]), [1]);
    b.addGood(new Float32Array([0.95, 0.1]));
    one.addDefective(new Float32Array([0.9, 0.2]), new Int32Array([1, 0]), [1]);
    one.addGood(new Float32Array([0.95, 0.1]));
    const c = PixelHistogram.combine([a, b]);
    expect(c.auroc()).toEqual(one.auroc());
    expect(c.aupro()).toEqual(one.aupro());
    expect(c.auroc().value).toBeCloseTo(2 / 3, 12);
  });

  it('is null with a reason without defect pixels or without normal pixels', () => {
    const h = new PixelHistogram();
    h.addGood(new Float32Array([0.1, 0.2]));
    expect(h.auroc().value).toBeNull();
    expect(h.auroc().reason).toMatch(/no defect pixels/);
    expect(h.aupro().reason).toMatch(/no defect regions/);
    const allDefect = new PixelHistogram();
    allDefect.addDefective(new Float32Array([0.5]), new Int32Array([1]), [1]);
    expect(allDefect.auroc().reason).toMatch(/no normal pixels/);
  });

  it('refuses NaN in a map', () => {
    expect(() => new PixelHistogram().addGood(new Float32Array([Number.NaN]))).toThrow(/NaN/);
  });
});

describe('labelRegions', () => {
  it('joins diagonal neighbours (8-connectivity) and keeps separate blobs apart', () => {
    // 1 0 0 1
    // 0 1 0 1
    // 0 0 0 0
    // 1 1 0 0
    const mask = Uint8Array.from([1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0]);
    const r = labelRegions(mask, 4, 4);
    expect(r.count).toBe(3);
    expect(r.sizes).toEqual([2, 2, 2]);
    expect(r.labels[0]).toBe(r.labels[5]);
    expect(r.labels[3]).not.toBe(r.labels[0]);
  });
});
