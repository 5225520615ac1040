import type { Defect, DefectKind, WasherParams } from './washer';
import { seededRandom } from '../experts/components/rng';

/**
 * The embedded default product: its name, image size, how many golden and test images, and the
 * seeded parameters of each image. Changing anything here changes the committed assets; run
 * `npm run demo:generate` and commit host/demo/assets/ with it.
 */
export const DEMO_RECIPE = 'demo-washer';
export const DEMO_SEED = 20261126;
export const DEMO_SIZE = 256;
export const DEMO_GOLDEN_COUNT = 24;
/** Test images in camera play order: defects and good parts interleaved. */
export const DEMO_TEST_LABELS: ReadonlyArray<'good' | DefectKind> = [
  'scratch',
  'good',
  'dent',
  'stain',
  'good',
  'scratch',
  'dent',
  'stain',
];

export interface DemoImageSpec {
  /** Path under the assets folder, e.g. `golden/golden-01.png`, `test/01-scratch.png`. */
  file: string;
  label: 'good' | DefectKind;
  params: WasherParams;
}

function baseParams(rand: () => number, index: number): WasherParams {
  const jitter = () => (rand() - 0.5) * 8;
  return {
    size: DEMO_SIZE,
    cx: DEMO_SIZE / 2 + jitter(),
    cy: DEMO_SIZE / 2 + jitter(),
    outer: 92 + (rand() - 0.5) * 2,
    inner: 40 + (rand() - 0.5) * 2,
    exposure: 0.96 + rand() * 0.08,
    brushPhase: rand() * Math.PI * 2,
    noiseSeed: index + 1,
    defects: [],
  };
}

function defectFor(kind: DefectKind, p: WasherParams, rand: () => number): Defect {
  // On the metal, away from both edges, so the whole mark lies on the washer.
  const theta = rand() * Math.PI * 2;
  const radius = p.inner + (p.outer - p.inner) * (0.35 + rand() * 0.3);
  const x = p.cx + Math.cos(theta) * radius;
  const y = p.cy + Math.sin(theta) * radius;
  if (kind === 'scratch') {
    // Mostly along the ring (tangential), as handling scratches are.
    return { kind, x, y, size: 14 + rand() * 6, angle: theta + Math.PI / 2 + (rand() - 0.5) * 0.6 };
  }
  if (kind === 'dent') return { kind, x, y, size: 8 + rand() * 3, angle: -Math.PI * 0.75 };
  return { kind, x, y, size: 10 + rand() * 4, angle: rand() * Math.PI * 2 };
}

export function demoImageSpecs(seed = DEMO_SEED): DemoImageSpec[] {
  const rand = seededRandom(seed);
  const specs: DemoImageSpec[] = [];
  for (let i = 0; i < DEMO_GOLDEN_COUNT; i++) {
    const params = baseParams(rand, i);
    specs.push({ file: `golden/golden-${String(i + 1).padStart(2, '0')}.png`, label: 'good', params });
  }
  DEMO_TEST_LABELS.forEach((label, i) => {
    const params = baseParams(rand, 100 + i);
    if (label !== 'good') params.defects.push(defectFor(label, params, rand));
    specs.push({ file: `test/${String(i + 1).padStart(2, '0')}-${label}.png`, label, params });
  });
  return specs;
}
