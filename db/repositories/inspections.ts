import type { InspectionRecord, InspectionSummary, InspectionTimings, PartOutcome, ThresholdBand, Verdict } from '../../common/api';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../open';
import { FLAG_KINDS, VERDICT_IN_FORCE, withFlagKinds } from './verdict-in-force';

/**
 * An inspection as recorded: the record's own columns plus where its files lie and who made it.
 * `verdict` is the band's (flags recorded after it may change the verdict in force).
 */
export interface InspectionRow
  extends Pick<
    InspectionRecord,
    'id' | 'recipe' | 'recipeVersion' | 'score' | 'threshold' | 'band' | 'imageSha256' | 'mapSha256' | 'width' | 'height' | 'instructions' | 'timings' | 'createdAt'
  > {
  recipeId: number;
  verdict: Verdict;
  imagePath: string;
  mapPath: string;
  backbone: string;
  backboneSha256: string;
  expert: string;
  lmm: string | null;
  operator: string;
  /** Not the product at all (schema 11); null for a part of it. */
  outcome: PartOutcome | null;
  /** The line's part id (schema 14); null for a part inspected from the screen without one. */
  partId: string | null;
  /** The line trigger that started the inspection (schema 14); null otherwise. */
  triggerId: string | null;
  /** The channel of that trigger (mqtt, opcua, modbus); null for a software trigger or the screen. */
  lineAdapter: string | null;
}

export type NewInspection = Omit<InspectionRow, 'recipe' | 'recipeVersion' | 'outcome' | 'partId' | 'triggerId' | 'lineAdapter'> & {
  outcome?: PartOutcome | null;
  partId?: string | null;
  triggerId?: string | null;
  lineAdapter?: string | null;
  /** The camera frame's name (a folder camera's file name); null or absent for a webcam still or an upload. */
  sourceName?: string | null;
};

/** The row as SQLite returns it: the band as its two columns, the lists still JSON text. */
type Row = Omit<InspectionRow, 'band' | 'instructions' | 'timings'> & ThresholdBand & { instructions: string; timings: string };

const SELECT = `SELECT i.id, i.recipe_id AS recipeId, r.name AS recipe, r.version AS recipeVersion, i.verdict, i.score, i.threshold, i.t1, i.t2,
    i.image_sha256 AS imageSha256, i.image_path AS imagePath, i.map_sha256 AS mapSha256, i.map_path AS mapPath, i.width, i.height,
    i.backbone, i.backbone_sha256 AS backboneSha256, i.expert, i.lmm, i.instructions_json AS instructions, i.timings_json AS timings,
    i.operator, i.created_at AS createdAt, i.outcome, i.part_id AS partId, i.trigger_id AS triggerId, i.line_adapter AS lineAdapter
  FROM inspections i JOIN recipes r ON r.id = i.recipe_id`;

function fromRow({ t1, t2, instructions, timings, ...row }: Row): InspectionRow {
  return { ...row, band: { t1, t2 }, instructions: JSON.parse(instructions) as string[], timings: JSON.parse(timings) as InspectionTimings };
}

const INSERT_COLUMNS = `id, recipe_id, verdict, score, threshold, t1, t2, image_sha256, image_path, map_sha256,
       map_path, width, height, backbone, backbone_sha256, expert, lmm, instructions_json, timings_json, operator, created_at, source_name, outcome`;
const INSERT = `INSERT INTO inspections (${INSERT_COLUMNS}) VALUES (${Array(23).fill('?').join(', ')})`;
/** With the line's columns (schema 14); only parts from the line need it, so older schemas (migration tests) still seed. */
const INSERT_LINE = `INSERT INTO inspections (${INSERT_COLUMNS}, part_id, trigger_id, line_adapter) VALUES (${Array(26).fill('?').join(', ')})`;

export function insertInspection(db: Db, i: NewInspection): void {
  inspectionInserter(db)(i);
}

/**
 * `insertInspection` on one prepared statement, for many rows in a row (the 1M-row seeder: preparing
 * the statement again for each row costs more than the insert).
 */
export function inspectionInserter(db: Db): (i: NewInspection) => void {
  const plain = db.prepare(INSERT);
  let line: Statement | null = null;
  return (i) => {
    const values = [
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
    ];
    const part = [i.partId ?? null, i.triggerId ?? null, i.lineAdapter ?? null];
    if (part.every((v) => v === null)) {
      plain.run(...values);
      return;
    }
    line ??= db.prepare(INSERT_LINE);
    line.run(...values, ...part);
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
      `SELECT i.id, r.name AS recipe, ${VERDICT_IN_FORCE} AS verdict, i.score, i.image_sha256 AS imageSha256, i.map_sha256 AS mapSha256,
         i.created_at AS createdAt, ${FLAG_KINDS} AS flags
       FROM inspections i JOIN recipes r ON r.id = i.recipe_id ORDER BY i.created_at DESC, i.rowid DESC LIMIT ?`,
    )
    .all(limit) as Array<Omit<InspectionSummary, 'flags'> & { flags: string | null }>;
  return rows.map(withFlagKinds);
}

export function allInspectionIds(db: Db): string[] {
  return (db.prepare('SELECT id FROM inspections ORDER BY rowid').all() as Array<{ id: string }>).map((r) => r.id);
}
