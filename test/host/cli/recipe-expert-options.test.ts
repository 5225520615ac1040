import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecipeSummary } from '../../../common/api';
import { openDatabase } from '../../../db/open';
import { latestRecipe } from '../../../db/repositories/recipes';
import { importModel } from '../../../host/models/store';
import { onnxExpertBackend } from '../../../host/recipes/onnx-expert-backend';
import { openStation } from '../../../host/station';
import { BACKBONE, DEMO, runCli, writtenRecipes } from '../fixtures/station-cli';

const haveBackbone = existsSync(BACKBONE);

let dir: string;
let dataDir: string;
let golden: string;

const cli = (args: string[]) => runCli(dataDir, args);
const create = (name: string, ...args: string[]) => cli(['recipe', 'create', '--name', name, '--references', golden, ...args]);
/** The station the command line opens, in this process: its calls run as an admin named `cli`. */
const openInProcess = () => openStation({ dataDir, device: 'cpu', experts: onnxExpertBackend({ dataDir, device: 'cpu' }), lmmDir: null, defaultUser: 'cli', inProcessRole: 'admin' });

/** The saved expert of the newest version of `name`: its descriptor and its state's config. */
async function savedExpert(name: string): Promise<{ descriptor: { kind: string; inputWidth: number; inputHeight: number }; config: Record<string, unknown> }> {
  const db = openDatabase(join(dataDir, 'station.db'));
  let expertDir: string;
  try {
    expertDir = latestRecipe(db, name)?.expertDir ?? '';
  } finally {
    db.close();
  }
  const manifest = JSON.parse(await readFile(join(expertDir, 'expert.json'), 'utf8')) as {
    descriptor: { kind: string; inputWidth: number; inputHeight: number };
    state: { config: Record<string, unknown> };
  };
  return { descriptor: manifest.descriptor, config: manifest.state.config };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-expert-options-'));
  dataDir = join(dir, 'data');
  golden = join(dir, 'golden');
  if (!haveBackbone) return;
  await importModel(dataDir, BACKBONE);
  await mkdir(golden);
  for (const i of ['01', '02', '03', '04', '05', '06']) await copyFile(join(DEMO, 'golden', `golden-${i}.png`), join(golden, `golden-${i}.png`));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveBackbone)('recipe create --expert-options', () => {
  it('refuses bad options with one line naming what is wrong, before anything is written', async () => {
    const cases: Array<{ expert?: string; options: string; message: RegExp }> = [
      { expert: 'patchcore', options: '{tile:{size:128}}', message: /Invalid --expert-options: not JSON \(\{tile:\{size:128\}\}\)/ },
      { expert: 'patchcore', options: '[{"inputSize":384}]', message: /Invalid --expert-options: use a JSON object of option names and values/ },
      { expert: 'padim', options: '384', message: /Invalid --expert-options: use a JSON object of option names and values/ },
      { expert: 'patchcore', options: `{"taps":["${'x'.repeat(4000)}"]}`, message: /Invalid --expert-options: longer than 4000 characters as JSON/ },
      { expert: 'patchcore', options: '{"bankRows":8192}', message: /Invalid PatchCore option bankRows: PatchCore has no such option/ },
      { expert: 'patchcore', options: '{"tile":{"size":"large"}}', message: /Invalid PatchCore option tile\.size: .*expected number, received string/ },
      { expert: 'padim', options: '{"inputSize":300}', message: /Invalid PaDiM option inputSize: .*multiple of 32/ },
      // Tiles that cannot fit the working size the options give: refused before any image is read.
      { expert: 'patchcore', options: '{"tile":{"size":512}}', message: /Invalid PatchCore option tile\.size: tiles of 512x512 are larger than the working size \(short side 256\): choose a tile size of at most 256 or a larger inputSize/ },
      { expert: 'patchcore', options: '{"inputSize":640,"tile":{"size":128,"overlap":64}}', message: /Invalid PatchCore option tile\.overlap: an overlap of 64 is not less than half the tile size 128/ },
      { expert: 'anomalib:model.onnx', options: '{}', message: /Expert options are for patchcore, padim or auto \(got anomalib\)/ },
      // auto (the default) fits both candidates with the options: one only PatchCore takes is refused.
      {
        options: '{"tile":{"size":128,"overlap":32}}',
        message: /Invalid PaDiM option tile: PaDiM has no such option\. auto fits patchcore and padim with the same options and keeps one, .*choose the patchcore expert for these options/,
      },
    ];
    for (const c of cases) {
      const r = create('washer', ...(c.expert ? ['--expert', c.expert] : []), '--expert-options', c.options);
      const label = c.options.slice(0, 60);
      expect(r.code, label).not.toBe(0);
      expect(r.stderr, label).toMatch(c.message);
      expect(r.stderr.trim().split('\n'), label).toHaveLength(1);
      expect(await writtenRecipes(dataDir), label).toEqual({ recipes: 0, folders: 0, blobs: 0 });
      // Refused before the station opens: not even its database is made.
      expect(existsSync(join(dataDir, 'station.db')), label).toBe(false);
    }
    // The api (what the command line calls) checks them again, before the references are read:
    // a folder that is not there is not reached.
    const station = await openInProcess();
    try {
      const call = (expert: string, expertOptions: unknown) =>
        station.call('recipes.create', { name: 'washer', referencesDir: join(dir, 'missing'), expert, prompts: [], expertOptions }, { user: 'cli' });
      await expect(call('patchcore', { bankRows: 8192 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/PatchCore has no such option/) });
      await expect(call('patchcore', [1])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/Invalid params for recipes\.create: expertOptions/) });
      await expect(call('auto', { channels: 64 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/choose the padim expert for these options/) });
      await expect(call('anomalib:model.onnx', { sigma: 2 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'Expert options are for patchcore, padim or auto (got anomalib)' });
    } finally {
      await station.close();
    }
    expect(await writtenRecipes(dataDir)).toEqual({ recipes: 0, folders: 0, blobs: 0 });
  }, 300_000);

  it('fits a tiled PatchCore as asked, says so, inspects with it, and a refit keeps the options', async () => {
    const options = { tile: { size: 160, overlap: 32 }, syntheticAnomalies: 16 };
    const out = join(dir, 'tiled.json');
    const r = create('tiled', '--expert', 'patchcore', '--expert-options', JSON.stringify(options), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`\nExpert options: ${JSON.stringify(options)} (the rest at the expert's defaults)\n`);
    const recipe = JSON.parse(await readFile(out, 'utf8')) as RecipeSummary;
    expect(recipe).toMatchObject({ version: 1, expert: 'patchcore', expertOptions: options });
    const v1 = await savedExpert('tiled');
    expect(v1.config).toMatchObject(options);
    expect([v1.descriptor.inputWidth, v1.descriptor.inputHeight]).toEqual([256, 256]);

    const inspected = join(dir, 'inspect.json');
    const i = cli(['inspect', '--recipe', 'tiled', '--image', join(DEMO, 'golden', 'golden-07.png'), '--out', inspected]);
    expect(i.code, i.stderr).toBe(0);
    const result = JSON.parse(await readFile(inspected, 'utf8')) as { recipe_version: number; score: number; image_sha256: string };
    expect(result.recipe_version).toBe(1);
    expect(Number.isFinite(result.score)).toBe(true);

    // The inspected part joins the golden set: the refit is fitted with the same options.
    const station = await openInProcess();
    let refit: RecipeSummary;
    try {
      refit = await station.testInternals.recipes.addGoldenSample('tiled', result.image_sha256, 'engineer');
    } finally {
      await station.close();
    }
    expect(refit).toMatchObject({ version: 2, goldenCount: 7, expertOptions: options });
    const v2 = await savedExpert('tiled');
    expect(v2.config).toMatchObject(options);
    expect(await readdir(join(dataDir, 'recipes'))).toHaveLength(2);
  }, 600_000);

  it('fits both auto candidates at the working size asked and records it with the version', async () => {
    const out = join(dir, 'small.json');
    const r = create('small', '--expert-options', '{"inputSize":160}', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('\nExpert options: {"inputSize":160} ');
    const recipe = JSON.parse(await readFile(out, 'utf8')) as RecipeSummary;
    expect(recipe.expertOptions).toEqual({ inputSize: 160 });
    expect(recipe.auto?.candidates.map((c) => c.kind).sort()).toEqual(['padim', 'patchcore']);
    const saved = await savedExpert('small');
    expect(saved.descriptor.kind).toBe(recipe.expert);
    expect([saved.descriptor.inputWidth, saved.descriptor.inputHeight, saved.config.inputSize]).toEqual([160, 160, 160]);
  }, 600_000);
});
