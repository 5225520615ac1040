import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rocAuc } from '../../../lab/evaluation/metrics/image-metrics';
import type { InputDumpRow } from '../../../lab/evaluation/input-dump';
import { BOTTLE, HAS_BACKBONE, HAS_BOTTLE, dataDirWithBackbone } from '../../host/experts/shared-fixtures';
import { pythonImports, runPythonJson } from '../../support/python';

const REPO = join(__dirname, '..', '..', '..');
const haveTorch = pythonImports('torch, numpy');

/** A few real bottles: two references, four good and four broken test images with their masks. */
async function miniBottle(root: string): Promise<string> {
  const set = join(root, 'bottle');
  /** The first n images of `folder` (and their masks from `masks`), at the same paths. */
  const copyFirst = async (folder: string, n: number, masks?: string) => {
    await mkdir(join(set, folder), { recursive: true });
    if (masks) await mkdir(join(set, masks), { recursive: true });
    for (const name of (await readdir(join(BOTTLE, folder))).sort().slice(0, n)) {
      await copyFile(join(BOTTLE, folder, name), join(set, folder, name));
      const mask = name.replace(/\.png$/, '_mask.png');
      if (masks) await copyFile(join(BOTTLE, masks, mask), join(set, masks, mask));
    }
  };
  await copyFirst('train/good', 2);
  await copyFirst('test/good', 4);
  await copyFirst('test/broken_large', 4, 'ground_truth/broken_large');
  return set;
}

function evaluateCli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'lab', 'cli', 'main.ts'), 'evaluate', ...args], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
}

describe.skipIf(!HAS_BACKBONE || !HAS_BOTTLE)('evaluate --lmm --dump-inputs (real bottles, the shipped dialog model)', () => {
  let work: string;
  let set: string;
  let dataDir: string;
  let dump: string;
  let report: { image_auroc: number; runs: { seed: number; metrics: { image_auroc: number; lmm_auroc: number | null }; golden_check: { readsProduct: boolean; input: string | null } }[] };
  let rows: InputDumpRow[];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'myriad-dump-'));
    set = await miniBottle(work);
    dataDir = await dataDirWithBackbone();
    dump = join(work, 'dump');
    const out = join(work, 'eval.json');
    const r = evaluateCli(['--dataset', set, '--shots', '1', '--seeds', '2', '--lmm', '--dump-inputs', dump, '--out', out, '--data-dir', dataDir, '--device', 'cpu']);
    if (r.status !== 0) throw new Error(`evaluate exited with ${r.status}: ${r.stderr.slice(-2000)}`);
    report = JSON.parse(await readFile(out, 'utf8')) as typeof report;
    rows = (await readFile(join(dump, 'inputs.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as InputDumpRow);
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('writes one row per seed and test image, with the truth and files of the sizes it states', async () => {
    expect(JSON.parse(await readFile(join(dump, 'dump.json'), 'utf8'))).toEqual({ format: 1, dataset: 'bottle', shots: 1 });
    expect(rows).toHaveLength(16);
    for (const seed of [0, 1]) {
      const files = rows.filter((r) => r.seed === seed).map((r) => r.file).sort();
      expect(new Set(files).size).toBe(8);
      expect(files.filter((f) => f.startsWith('test/good/'))).toHaveLength(4);
    }
    for (const r of rows) {
      expect(r.defect).toBe(r.file.startsWith('test/good/') ? null : 'broken_large');
      expect((await stat(join(dump, r.map.file))).size).toBe(r.map.width * r.map.height * 4);
      const check = report.runs.find((run) => run.seed === r.seed)?.golden_check;
      // Features are dumped exactly where the golden check let the model have them, in the form it gets.
      if (check?.readsProduct) {
        expect(r.features).not.toBeNull();
        expect(r.features?.input).toBe(check.input);
        expect((await stat(join(dump, r.features?.file ?? ''))).size).toBe((r.features?.dim ?? 0) * (r.features?.width ?? 0) * (r.features?.height ?? 0) * 4);
      } else {
        expect(r.features).toBeNull();
      }
    }
  });

  it('holds the scores and leans the report was computed from', () => {
    for (const run of report.runs) {
      const of = rows.filter((r) => r.seed === run.seed);
      expect(rocAuc(of.map((r) => ({ score: r.score, defective: r.defect !== null }))).value).toBeCloseTo(run.metrics.image_auroc, 6);
      if (run.metrics.lmm_auroc !== null) {
        expect(rocAuc(of.map((r) => ({ score: r.yes_odds ?? Number.NaN, defective: r.defect !== null }))).value).toBeCloseTo(run.metrics.lmm_auroc, 6);
      }
    }
  });

  it('refuses a folder that already holds a dump, before any image is inspected', () => {
    const r = evaluateCli(['--dataset', set, '--shots', '1', '--seeds', '1', '--lmm', '--dump-inputs', dump, '--out', join(work, 'again.json'), '--data-dir', dataDir, '--device', 'cpu']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--dump-inputs .* is not empty: give a new or empty folder/);
  });

  it.skipIf(!haveTorch)('reads back in native-models/myriad-s/input_probe.py as written', () => {
    const script = `
import json, sys
sys.path.insert(0, 'native-models/myriad-s')
from myriad_s import input_probe as ip
d = ip.read_dump(${JSON.stringify(dump)})
print(json.dumps({'images': len(d.defective), 'defective': int(d.defective.sum()), 'shape': list(d.x.shape[1:]),
                  'expert_auroc': ip.seed_mean(d, d.score), 'seeds': sorted(set(int(s) for s in d.seeds))}))`;
    const withFeatures = rows.filter((r) => r.features !== null);
    const got = runPythonJson(script) as { images: number; defective: number; shape: number[]; expert_auroc: number; seeds: number[] };
    expect(got.images).toBe(withFeatures.length);
    expect(got.defective).toBe(withFeatures.filter((r) => r.defect !== null).length);
    const f = withFeatures[0]?.features;
    expect(got.shape).toEqual([(f?.dim ?? 0) + 1, f?.height, f?.width]);
    expect(got.expert_auroc).toBeCloseTo(report.image_auroc, 4);
  });
});
