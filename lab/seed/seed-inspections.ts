import { randomUUID } from 'node:crypto';
import type { ReviewDecision } from '../../common/api';
import { writeTransaction, type Db } from '../../db/open';
import { inspectionInserter, type NewInspection } from '../../db/repositories/inspections';
import { insertRecipe, latestRecipe } from '../../db/repositories/recipes';
import { reviewInserter } from '../../db/repositories/reviews';
import { seededRandom as prng } from '../../host/experts/components/rng';

/**
 * Seeds many synthetic inspections for scale tests and the database benchmark (never into a station's
 * real database: the rows are made up). Distributions follow a busy line: ~93% PASS, ~4% REVIEW,
 * ~3% FAIL, eight operators, three products; flagged parts are reviewed (confirmed defects with a
 * weighted type, goods, a few re-inspects) except the newest `pending`, which wait in the queue.
 * Rows go in through the repository's inserters (the statements the pipeline and the review use), one
 * transaction per `batch` rows on reused prepared statements: seconds per 100k rows.
 */
export interface SeedOptions {
  count: number;
  /** First and last inspection time (ISO); rows are spread evenly between them. */
  from: string;
  to: string;
  /** Flagged inspections left without a decision (the newest ones). */
  pending: number;
  batch?: number;
  seed?: number;
  onProgress?: (done: number) => void;
}

export const SEED_RECIPES = ['bottle', 'magnetic-tile', 'washer'];
export const SEED_OPERATORS = ['anna', 'bram', 'chen', 'dara', 'emre', 'fatima', 'goran', 'hana'];
export const SEED_DEFECT_TYPES: Array<[string, number]> = [
  ['scratch', 0.35],
  ['dent', 0.2],
  ['crack', 0.15],
  ['contamination', 0.15],
  ['stain', 0.1],
  ['missing part', 0.05],
];

/** The shared mulberry32 generator, under the name this module's callers use. */
export { prng };

function hex64(rand: () => number): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  return s;
}

function pick<T>(rand: () => number, weighted: Array<[T, number]>): T {
  let r = rand();
  for (const [v, w] of weighted) {
    r -= w;
    if (r < 0) return v;
  }
  return (weighted[weighted.length - 1] as [T, number])[0];
}

/** Makes sure each seed recipe exists (a placeholder expert dir: seeded rows are never re-inspected). */
export function ensureSeedRecipes(db: Db): Map<string, number> {
  const ids = new Map<string, number>();
  writeTransaction(db, 'seed the recipes', () => {
    for (const name of SEED_RECIPES) {
      const row =
        latestRecipe(db, name) ??
        insertRecipe(
          db,
          {
            name,
            expert: 'patchcore',
            backbone: 'mobilenetv2-12-int8',
            backboneSha256: '0'.repeat(64),
            band: { t1: 0.4, t2: 0.6 },
            expertDir: `/seeded/${name}`,
            config: { spec: 'patchcore', seeded: true },
            createdBy: 'seed',
          },
          [],
          new Date(0).toISOString(),
        );
      ids.set(name, row.id);
    }
  });
  return ids;
}

export function seedInspections(db: Db, o: SeedOptions): { inspections: number; reviews: number; ms: number } {
  const t0 = performance.now();
  const rand = prng(o.seed ?? 1);
  const recipes = ensureSeedRecipes(db);
  const recipeIds = [...recipes.values()];
  const batch = o.batch ?? 50_000;
  const start = Date.parse(o.from);
  const span = Date.parse(o.to) - start;
  const flaggedShare = 0.07;
  // The newest `pending` flagged rows stay unreviewed: they start at roughly this index.
  const pendingFrom = Math.max(0, o.count - Math.ceil(o.pending / flaggedShare));
  const insInspection = inspectionInserter(db);
  const insReview = reviewInserter(db);
  const timings: NewInspection['timings'] = { decode: 4, backbone: 18, expert: 6, lmm_first_token: 120, lmm_total: 900, db: 2, total: 30 };
  const backboneSha = '0'.repeat(64);
  let reviews = 0;
  let i = 0;
  while (i < o.count) {
    const end = Math.min(o.count, i + batch);
    writeTransaction(db, 'seed inspections', () => {
      for (; i < end; i++) {
        const at = new Date(start + Math.floor((span * i) / Math.max(1, o.count - 1))).toISOString();
        const r = rand();
        const verdict = r < 0.93 ? 'pass' : r < 0.97 ? 'review' : 'fail';
        const score = verdict === 'pass' ? rand() * 0.4 : verdict === 'review' ? 0.4 + rand() * 0.2 : 0.6 + rand() * 0.8;
        const id = randomUUID();
        const image = hex64(rand);
        const map = hex64(rand);
        const operator = SEED_OPERATORS[Math.floor(rand() * SEED_OPERATORS.length)] as string;
        insInspection({
          id,
          recipeId: recipeIds[Math.floor(rand() * recipeIds.length)] as number,
          verdict,
          score,
          threshold: 0.5,
          band: { t1: 0.4, t2: 0.6 },
          imageSha256: image,
          imagePath: `${image.slice(0, 2)}/${image}.png`,
          mapSha256: map,
          mapPath: `${map.slice(0, 2)}/${map}.png`,
          width: 900,
          height: 900,
          backbone: 'mobilenetv2-12-int8',
          backboneSha256: backboneSha,
          expert: 'patchcore',
          lmm: 'myriad-s',
          instructions: [],
          timings,
          operator,
          createdAt: at,
        });
        if (verdict !== 'pass' && i < pendingFrom) {
          const d = rand();
          const decision: ReviewDecision =
            verdict === 'fail' ? (d < 0.85 ? 'defect' : d < 0.97 ? 'good' : 'reinspect') : d < 0.4 ? 'defect' : d < 0.93 ? 'good' : 'reinspect';
          const type = decision === 'defect' ? pick(rand, SEED_DEFECT_TYPES) : null;
          const reviewedAt = new Date(Date.parse(at) + 60_000 + Math.floor(rand() * 3_600_000)).toISOString();
          insReview({
            id: randomUUID(),
            inspectionId: id,
            reviewer: SEED_OPERATORS[Math.floor(rand() * SEED_OPERATORS.length)] as string,
            decision,
            defectType: type,
            reason: decision === 'good' ? 'false alarm' : '',
            addToGolden: false,
            at: reviewedAt,
          });
          reviews += 1;
        }
      }
    });
    o.onProgress?.(i);
  }
  return { inspections: o.count, reviews, ms: performance.now() - t0 };
}
