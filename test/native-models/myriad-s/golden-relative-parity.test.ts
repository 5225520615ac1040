import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaussianSamples, seededRandom } from '../../../host/experts/components/rng';
import type { PatchFeatures } from '../../../host/experts/expert';
import { buildGoldenBank, goldenRelativeFeatures } from '../../../host/lmm/golden-relative-input';
import { fromChannelsFirst, maxAbsDiff, toChannelsFirst } from '../../support/channels-first';
import { readFloats } from '../../support/myriad-s-parity';
import { PYTHON, pythonImports } from '../../support/python';

/**
 * Myriad-S trains on the golden-relative input computed in Python (myriad_s/golden_relative.py) and
 * reads it at the station computed in TypeScript (host/lmm/golden-relative-input.ts): the two must
 * be the same function, or the model reads at the station an input it was never trained on.
 */
const ROOT = resolve(__dirname, '../../..');
const SCRIPTS = join(ROOT, 'native-models/myriad-s');
const hasNumpy = pythonImports('numpy');
if (!hasNumpy) console.warn(`skipping the golden-relative parity: needs ${PYTHON} with numpy`);

/** Channels-first, as the training files hold features. */
interface Case {
  name: string;
  dim: number;
  gridWidth: number;
  gridHeight: number;
  goldens: Float32Array[];
  query: Float32Array;
}

const PYTHON_SIDE = `import json, sys
import numpy as np
sys.path.insert(0, ${JSON.stringify(SCRIPTS)})
from myriad_s.golden_relative import build_bank, relative_features
for case in json.load(open(sys.argv[1])):
    shape = tuple(case["shape"])
    bank = build_bank([np.fromfile(p, dtype="<f4").reshape(shape) for p in case["goldens"]])
    bank.spread.astype("<f4").tofile(case["spread"])
    relative_features(np.fromfile(case["query"], dtype="<f4").reshape(shape), bank).astype("<f4").tofile(case["relative"])
`;

function channelsLast(chw: Float32Array, c: Case): PatchFeatures {
  return fromChannelsFirst(chw, c.dim, c.gridWidth, c.gridHeight);
}

/** Gaussian features whose channel 0 is the same everywhere on the goldens: its spread is 0, so the floor decides it. */
function gaussianCase(name: string, goldens: number, seed: number): Case {
  const [dim, gridWidth, gridHeight] = [24, 7, 5];
  const random = seededRandom(seed);
  const size = dim * gridWidth * gridHeight;
  const golden = () => {
    const g = gaussianSamples(random, size);
    g.fill(0.25, 0, gridWidth * gridHeight);
    return g;
  };
  return { name, dim, gridWidth, gridHeight, goldens: Array.from({ length: goldens }, golden), query: gaussianSamples(random, size) };
}

/** Features on a coarse lattice: many cells have several different golden patches at exactly the same distance. */
function latticeCase(name: string, goldens: number, seed: number): Case {
  const [dim, gridWidth, gridHeight] = [3, 4, 4];
  const random = seededRandom(seed);
  const draw = () => Float32Array.from({ length: dim * gridWidth * gridHeight }, () => Math.floor(random() * 5) / 2 - 1);
  return { name, dim, gridWidth, gridHeight, goldens: Array.from({ length: goldens }, draw), query: draw() };
}

/** Query cells with two or more different bank rows at the least distance (exact here: lattice values). */
function tiedCells(c: Case): number {
  const rows = c.goldens.map((g) => channelsLast(g, c).data);
  const query = channelsLast(c.query, c).data;
  let tied = 0;
  for (let p = 0; p < c.gridWidth * c.gridHeight; p++) {
    const nearest = new Map<number, Set<string>>();
    for (const g of rows) {
      for (let r = 0; r < c.gridWidth * c.gridHeight; r++) {
        const row = g.subarray(r * c.dim, (r + 1) * c.dim);
        let d = 0;
        row.forEach((v, ch) => (d += (v - (query[p * c.dim + ch] as number)) ** 2));
        nearest.set(d, (nearest.get(d) ?? new Set()).add(row.join(',')));
      }
    }
    const least = Math.min(...nearest.keys());
    if ((nearest.get(least)?.size ?? 0) > 1) tied++;
  }
  return tied;
}

describe.skipIf(!hasNumpy)('the golden-relative input: Python training side = TypeScript station side', () => {
  const cases = [
    gaussianCase('one golden', 1, 11),
    gaussianCase('three goldens', 3, 12),
    latticeCase('one golden, tied distances', 1, 13),
    latticeCase('three goldens, tied distances', 3, 14),
  ];
  let work: string;
  const python = new Map<string, { spread: Float32Array; relative: Float32Array }>();

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'golden-relative-'));
    const spec = cases.map((c, i) => {
      const file = (what: string) => join(work, `${i}.${what}.bin`);
      const goldens = c.goldens.map((g, j) => {
        writeFileSync(file(`golden${j}`), g);
        return file(`golden${j}`);
      });
      writeFileSync(file('query'), c.query);
      return { shape: [c.dim, c.gridHeight, c.gridWidth], goldens, query: file('query'), spread: file('spread'), relative: file('relative') };
    });
    writeFileSync(join(work, 'cases.json'), JSON.stringify(spec));
    const r = spawnSync(PYTHON, ['-c', PYTHON_SIDE, join(work, 'cases.json')], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`golden_relative.py failed: ${r.stderr.slice(-2000)}`);
    spec.forEach((s, i) => python.set((cases[i] as Case).name, { spread: readFloats(s.spread), relative: readFloats(s.relative) }));
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the lattice cases hold tied nearest patches, so they test how ties are broken', () => {
    for (const c of cases.filter((x) => x.name.includes('tied'))) expect(tiedCells(c), c.name).toBeGreaterThan(3);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the same spread and the same relative features', (name, c) => {
    const bank = buildGoldenBank(c.goldens.map((g) => channelsLast(g, c)));
    const station = goldenRelativeFeatures(channelsLast(c.query, c), bank);
    const got = python.get(name);
    if (!got) throw new Error(`no Python result for ${name}`);
    expect(got.spread).toHaveLength(c.dim);
    for (let ch = 0; ch < c.dim; ch++) expect(Math.abs((got.spread[ch] as number) - (bank.spread[ch] as number)), `spread ${ch}`).toBeLessThan(1e-6);
    const stationChw = toChannelsFirst(station);
    expect(maxAbsDiff(stationChw, got.relative)).toBeLessThan(1e-4);
    // Not a trivially equal output: the input is of unit scale on these goldens, and the floored channel far above it.
    expect(Math.max(...stationChw.map(Math.abs))).toBeGreaterThan(1);
  });
});
