import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolarity } from '../../../common/answer-grammar';
import { openDatabase } from '../../../db/open';
import { importModel } from '../../../host/models/store';
import { defaultLmmDir } from '../../../host/paths';
import { readMyriadSExport } from '../../../host/lmm/myriad-s/export-files';
import { badImages } from '../fixtures/bad-images';
import { BACKBONE, DEMO, runCli } from '../fixtures/station-cli';

const haveBackbone = existsSync(BACKBONE);

let dir: string;
let dataDir: string;

/** Runs `npm run NAME -- ...` on this test's data dir. */
const cli = (args: string[]) => runCli(dataDir, args, 120_000);

function inspectionCount(): number {
  const db = openDatabase(join(dataDir, 'station.db'));
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM inspections').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-'));
  dataDir = join(dir, 'data');
  if (!haveBackbone) return;
  await importModel(dataDir, BACKBONE);
  await mkdir(join(dir, 'golden'));
  for (const i of ['01', '02', '03', '04', '05', '06']) await copyFile(join(DEMO, 'golden', `golden-${i}.png`), join(dir, 'golden', `golden-${i}.png`));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveBackbone)('recipe create (default expert auto) and inspect on the public backbone', () => {
  it('creates a recipe with a standing instruction', async () => {
    const out = join(dir, 'recipe.json');
    const r = cli(['recipe', 'create', '--name', 'washer', '--references', join(dir, 'golden'), '--prompt', 'ignore the shadow cast', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // No --expert: auto chooses from the goldens and says what it compared and why.
    expect(r.stdout).toMatch(/^Recipe washer version 1: (patchcore|padim) on 6 golden samples/);
    expect(r.stdout).toMatch(/\nExpert: (patchcore|padim) chosen by the separation .*AUROC patchcore \d\.\d{3}, padim \d\.\d{3}\): /);
    const recipe = JSON.parse(await readFile(out, 'utf8')) as {
      version: number;
      goldenCount: number;
      expert: string;
      instructions: Array<{ text: string }>;
      auto: { chosen: string; candidates: Array<{ kind: string; separation: number | null }>; preferred: string; margin: number; reason: string };
    };
    expect([recipe.version, recipe.goldenCount]).toEqual([1, 6]);
    expect(recipe.auto.chosen).toBe(recipe.expert);
    expect(recipe.auto.candidates.map((c) => c.kind)).toEqual(['patchcore', 'padim']);
    expect(recipe.auto.preferred).toBe('patchcore');
    expect(recipe.auto.margin).toBe(0.05);
    expect(recipe.auto.reason).toMatch(/^(patchcore|padim) chosen by the separation/);
    expect(recipe.instructions.map((i) => i.text)).toEqual(['ignore the shadow cast']);
  });

  it('inspects an image, answers, follows up and logs everything to the database', async () => {
    const out = join(dir, 'inspect.json');
    const r = cli(['inspect', '--recipe', 'washer', '--image', join(DEMO, 'test', '03-dent.png'), '--prompt', 'look at the rim', '--ask', 'where is it?', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown> & {
      verdict: string;
      answer: string;
      dialog: Array<{ role: string; text: string }>;
      anomaly_map: string;
      timings_ms: Record<string, number | null>;
      id: string;
    };
    for (const key of ['id', 'recipe', 'verdict', 'score', 'threshold', 'answer', 'dialog', 'anomaly_map', 'timings_ms']) expect(json).toHaveProperty(key);
    expect(['pass', 'fail', 'review']).toContain(json.verdict);
    expect(json.threshold).toBe(0.5);
    expect(parsePolarity(json.answer)).not.toBe('unknown');
    expect(json.dialog.map((t) => t.role)).toEqual(['assistant', 'operator', 'assistant']);
    // --prompt applies to this inspection after the standing instruction (inspect's `instructions`).
    expect(json.instructions).toEqual(['ignore the shadow cast', 'look at the rim']);
    expect(Object.keys(json.timings_ms).sort()).toEqual(['backbone', 'db', 'decode', 'expert', 'lmm_first_token', 'lmm_total', 'total']);
    for (const v of Object.values(json.timings_ms)) expect(v).toBeGreaterThanOrEqual(0);
    const meta = await sharp(json.anomaly_map).metadata();
    expect([meta.format, meta.depth, meta.channels]).toEqual(['png', 'uchar', 1]);

    const db = openDatabase(join(dataDir, 'station.db'));
    try {
      const row = db.prepare('SELECT expert, backbone_sha256, lmm, created_at FROM inspections WHERE id = ?').get(json.id) as Record<string, string>;
      expect(['patchcore', 'padim']).toContain(row.expert);
      expect(row.backbone_sha256).toMatch(/^83530ad8/);
      // The station's default dialog model: the shipped Myriad-S, recorded with its version.
      const shipped = readMyriadSExport(defaultLmmDir() ?? 'native-models/myriad-s').config;
      expect(row.lmm).toBe(`myriad-s@${shipped.version}`);
      const turns = db.prepare('SELECT role, model, created_at FROM dialog_turns WHERE inspection_id = ? ORDER BY created_at, rowid').all(json.id);
      expect(turns).toHaveLength(3);
    } finally {
      db.close();
    }
  });

  it('refuses bad images and bad options with one line and records nothing', async () => {
    const before = inspectionCount();
    // Each spawn costs seconds on a shared machine: the full bad-image list runs in-process in
    // test/host/inspection/bad-images.test.ts; here one of each kind of failure.
    const bad = (await badImages()).filter((b) => b.name === 'non-image' || b.name === '30000x30000');
    const cases: Array<{ args: string[]; message: RegExp }> = [];
    for (const b of bad) {
      const file = join(dir, `${b.name}.png`);
      await writeFile(file, b.bytes);
      cases.push({ args: ['inspect', '--recipe', 'washer', '--image', file], message: b.message });
    }
    const good = join(DEMO, 'test', '02-good.png');
    cases.push(
      { args: ['inspect', '--image', good, '--colour', 'x'], message: /Unknown option --colour/ },
      { args: ['inspect', '--recipe', 'washer', '--image', good, '--prompt', 'a'.repeat(100_000)], message: /longer than the limit of 2000/ },
      { args: ['inspect', '--recipe', 'nope', '--image', good], message: /No recipe named "nope"/ },
    );
    for (const c of cases) {
      const r = cli(c.args);
      expect(r.code, c.args.join(' ')).not.toBe(0);
      expect(r.stderr, c.args.join(' ')).toMatch(c.message);
      expect(r.stderr.trim().split('\n'), c.args.join(' ')).toHaveLength(1);
    }
    expect(inspectionCount()).toBe(before);
  });
});
