import type { InspectionSummary, PartOutcome, InspectionTimings, ThresholdBand, Verdict } from '../../common/api';
import type { Db } from '../open';
import { FLAG_KINDS, VERDICT_IN_FORCE, flagKinds } from './verdict-in-force';

/** An inspection as recorded: `verdict` is the band's (flags recorded after it may change the verdict in force). */
export interface InspectionRow {
  id: string;
  recipeId: number;
  recipe: string;
  recipeVersion: number;
  verdict: Verdict;
  score: number;
  threshold: number;
  band: ThresholdBand;
  imageSha256: string;
  imagePath: string;
  mapSha256: string;
  mapPath: string;
  width: number;
  height: number;
  backbone: string;
  backboneSha256: string;
  expert: string;
  lmm: string | null;
  instructions: string[];
  timings: InspectionTimings;
  operator: string;
  createdAt: string;
  /** Not the product at all (schema 11); null for a part of it. */
  outcome: PartOutcome | null;
}

export type NewInspection = Omit<InspectionRow, 'recipe' | 'recipeVersion' | 'outcome'> & {
  outcome?: PartOutcome | null;
  /** The camera frame's name (a folder camera's file name); null or absent for a webcam still or an upload. */
  sourceName?: string | null;
};

interface Row {
  id: string;
  recipe_id: number;
  recipe_name: string;
  recipe_version: number;
  verdict: Verdict;
  score: number;
  threshold: number;
  t1: number;
  t2: number;
  image_sha256: string;
  image_path: string;
  map_sha256: string;
  map_path: string;
  width: number;
  height: number;
  backbone: string;
  backbone_sha256: string;
  expert: string;
  lmm: string | null;
  instructions_json: string;
  timings_json: string;
  operator: string;
  created_at: string;
  outcome: PartOutcome | null;
}

const SELECT = `SELECT i.*, r.name AS recipe_name, r.version AS recipe_version
  FROM inspections i JOIN recipes r ON r.id = i.recipe_id`;

function fromRow(r: Row): InspectionRow {
  return {
    id: r.id,
    recipeId: r.recipe_id,
    recipe: r.recipe_name,
    recipeVersion: r.recipe_version,
    verdict: r.verdict,
    score: r.score,
    threshold: r.threshold,
    band: { t1: r.t1, t2: r.t2 },
    imageSha256: r.image_sha256,
    imagePath: r.image_path,
    mapSha256: r.map_sha256,
    mapPath: r.map_path,
    width: r.width,
    height: r.height,
    backbone: r.backbone,
    backboneSha256: r.backbone_sha256,
    expert: r.expert,
    lmm: r.lmm,
    instructions: JSON.parse(r.instructions_json) as string[],
    timings: JSON.parse(r.timings_json) as InspectionTimings,
    operator: r.operator,
    createdAt: r.created_at,
    outcome: r.outcome,
  };
}

const INSERT = `INSERT INTO inspections (id, recipe_id, verdict, score, threshold, t1, t2, image_sha256, image_path, map_sha256,
       map_path, width, height, backbone, backbone_sha256, expert, lmm, instructions_json, timings_json, operator, created_at, source_name, outcome)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function insertInspection(db: Db, i: NewInspection): void {
  inspectionInserter(db)(i);
}

/**
 * `insertInspection` on one prepared statement, for many rows in a row (the 1M-row seeder: preparing
 * the statement again for each row costs more than the insert).
 */
export function inspectionInserter(db: Db): (i: NewInspection) => void {
  const statement = db.prepare(INSERT);
  return (i) => {
    statement.run(
      i.id,
      i.recipeId,
      i.verdict,
      i.score,
      i.threshold,
      i.band.t1,
      i.band.t2,
      i.imageSha256,
      i.imagePath,
      i.mapSha256,
      i.mapPath,
      i.width,
      i.height,
      i.backbone,
      i.backboneSha256,
      i.expert,
      i.lmm,
      JSON.stringify(i.instructions),
      JSON.stringify(i.timings),
      i.operator,
      i.createdAt,
      i.sourceName ?? null,
      i.outcome ?? null,
    );
  };
}

/** How many inspections are recorded. */
export function countInspections(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM inspections').get() as { n: number }).n;
}

export function getInspection(db: Db, id: string): InspectionRow | null {
  const row = db.prepare(`${SELECT} WHERE i.id = ?`).get(id) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** The newest inspections, each with the verdict in force and its flags' kinds. */
export function recentInspections(db: Db, limit: number): InspectionSummary[] {
  const rows = db
    .prepare(
      `SELECT i.id, r.name AS recipe_name, ${VERDICT_IN_FORCE} AS verdict, i.score, i.image_sha256, i.map_sha256, i.created_at, ${FLAG_KINDS} AS flags
       FROM inspections i JOIN recipes r ON r.id = i.recipe_id ORDER BY i.created_at DESC, i.rowid DESC LIMIT ?`,
    )
    .all(limit) as Array<Pick<Row, 'id' | 'recipe_name' | 'verdict' | 'score' | 'image_sha256' | 'map_sha256' | 'created_at'> & { flags: string | null }>;
  return rows.map((r) => ({
    id: r.id,
    recipe: r.recipe_name,
    verdict: r.verdict,
    score: r.score,
    imageSha256: r.image_sha256,
    mapSha256: r.map_sha256,
    createdAt: r.created_at,
    flags: flagKinds(r.flags),
  }));
}

export function allInspectionIds(db: Db): string[] {
  return (db.prepare('SELECT id FROM inspections ORDER BY rowid').all() as Array<{ id: string }>).map((r) => r.id);
}
