import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntryInfo, CameraFrame, CameraSession, Events, RecipeDetail, RecipeDraft, RecipeDraftStarted, RecipeSummary, Results } from '../../../common/api';
import { openDatabase } from '../../../db/open';
import { latestRecipe } from '../../../db/repositories/recipes';
import type { ExpertBackend } from '../../../host/recipes/expert-backend';
import type { Station } from '../../../host/station';
import { stationWithUsers } from '../accounts/users-fixture';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';

/**
 * Recipes made from the Recipes screen (recipes.draft / draftResult / draftCancel / draftSave) on a
 * real station with the tiny mean-image expert: role checks, the golden folder's checks, progress
 * events, nothing written until saved, the saved version audited and usable.
 */
let station: Station;
let dir: string;
let cleanup: () => Promise<void>;
let allowed: string;
const ENG = { user: 'engineer1' };
/** The expert options each fit was handed, in order (the tiny expert takes none and ignores them). */
const fits: Array<Record<string, unknown> | undefined> = [];
const recording: ExpertBackend = {
  fit(spec, golden, dir, options = {}) {
    fits.push(options.expertOptions);
    return meanImageBackend.fit(spec, golden, dir, options);
  },
  load: (dir) => meanImageBackend.load(dir),
};

beforeEach(async () => {
  ({ station, dir, cleanup } = await stationWithUsers({ experts: recording }));
  fits.length = 0;
  allowed = join(dir, 'allowed');
  await mkdir(allowed, { recursive: true });
  await station.call('camera.setRoots', { roots: [allowed] }, ENG);
});
afterEach(async () => cleanup());

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** What a draft could leave behind: recipe folders, stored images, draft folders, recipe rows. */
async function written() {
  const data = join(dir, 'data');
  return {
    recipes: readdirSync(join(data, 'recipes')).sort(),
    blobs: filesUnder(join(data, 'blobs')).length,
    drafts: filesUnder(join(data, 'tmp', 'recipe-drafts')),
    list: ((await station.call('recipes.list', {})) as RecipeSummary[]).map((r) => `${r.name}@${r.version}`),
  };
}

async function auditOf(action: string): Promise<AuditEntryInfo[]> {
  const all = (await station.call('audit.list', { limit: 1000 }, { user: 'supervisor1' })) as AuditEntryInfo[];
  return all.filter((e) => e.action === action);
}

function progressEvents(): Array<Events['recipes.draftProgress']> {
  const seen: Array<Events['recipes.draftProgress']> = [];
  station.on('recipes.draftProgress', (p) => seen.push(p));
  return seen;
}

describe('recipes.draft', () => {
  it('fits a golden folder with progress, shows its calibration, records nothing until saved, then is a recipe to inspect with', async () => {
    // Other parts than the bracket's goldens (seeds 0-3), so their stored images are new blobs.
    const golden = join(allowed, 'lid-golden');
    await mkdir(golden);
    for (let i = 0; i < 4; i++) await writeFile(join(golden, `lid_${i}.png`), await partPng(4 + i));
    const before = await written();
    const progress = progressEvents();
    const started = (await station.call('recipes.draft', { name: 'lid', source: { kind: 'folder', path: golden }, expert: 'patchcore' }, ENG)) as RecipeDraftStarted;
    expect(started).toMatchObject({ name: 'lid', goldenCount: 4, replaces: null });
    const draft = (await station.call('recipes.draftResult', { draftId: started.draftId }, ENG)) as RecipeDraft;
    expect(draft).toMatchObject({ draftId: started.draftId, name: 'lid', requested: 'patchcore', expert: 'mean-image', goldenCount: 4, band: { t1: 0.6, t2: 1.2 }, auto: null });
    expect(draft.calibration.method).toBe('largest-golden-deviation');
    const mine = progress.filter((p) => p.draftId === started.draftId);
    expect(mine.filter((p) => p.stage === 'reading images').map((p) => [p.done, p.total])).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    expect(mine.filter((p) => p.stage === 'mean image').map((p) => [p.done, p.total])).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    // Fitted but not saved: no recipe, no stored image, no audit row; only the draft's own folder.
    const during = await written();
    expect({ ...during, drafts: [] }).toEqual({ ...before, drafts: [] });
    expect(during.drafts.length).toBeGreaterThan(0);
    expect(await auditOf('recipe.create')).toHaveLength(1);

    const saved = (await station.call('recipes.draftSave', { draftId: started.draftId }, ENG)) as RecipeSummary;
    expect(saved).toMatchObject({ name: 'lid', version: 1, expert: 'mean-image', goldenCount: 4, band: { t1: 0.6, t2: 1.2 } });
    const after = await written();
    expect(after.list).toEqual(['bracket@1', 'lid@1']);
    expect(after.drafts).toEqual([]);
    expect(after.recipes).toHaveLength(before.recipes.length + 1);
    expect(after.blobs).toBe(before.blobs + 4);
    const created = (await auditOf('recipe.create')).filter((a) => a.subject === 'lid@1');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ actor: 'engineer1', details: { expert: 'patchcore', golden: 4, source: { kind: 'folder', path: golden } } });
    // A saved draft is gone: it cannot be saved twice.
    await expect(station.call('recipes.draftSave', { draftId: started.draftId }, ENG)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const good = (await station.call('inspect', { recipe: 'lid', frame: { kind: 'upload', mime: 'image/png', base64: (await partPng(8)).toString('base64') } })) as Results['inspect'];
    expect(good).toMatchObject({ recipe: 'lid', recipeVersion: 1, verdict: 'pass' });
  });

  it('takes frames the camera read, and saving over an existing name makes its next version', async () => {
    const cam = await writeGoldenFolder(join(allowed, 'cam'), 3);
    const session = (await station.call('camera.open', { spec: `folder:${cam}` })) as CameraSession;
    const shas: string[] = [];
    for (let i = 0; i < 3; i++) shas.push(((await station.call('camera.read', { sessionId: session.sessionId, advance: i > 0 })) as CameraFrame).sha256);
    const started = (await station.call('recipes.draft', { name: 'bracket', source: { kind: 'frames', sha256: shas }, expert: 'auto' }, ENG)) as RecipeDraftStarted;
    expect(started).toMatchObject({ goldenCount: 3, replaces: 1 });
    await station.call('recipes.draftResult', { draftId: started.draftId }, ENG);
    const saved = (await station.call('recipes.draftSave', { draftId: started.draftId }, ENG)) as RecipeSummary;
    expect(saved).toMatchObject({ name: 'bracket', version: 2, goldenCount: 3 });
    const created = (await auditOf('recipe.create')).find((a) => a.subject === 'bracket@2');
    expect(created).toMatchObject({ actor: 'engineer1', details: { expert: 'auto', source: { kind: 'camera', frames: 3 } } });
  });

  it('is refused to operators and supervisors before anything runs', async () => {
    const golden = await writeGoldenFolder(join(allowed, 'g'), 2);
    const before = await written();
    for (const user of ['operator1', 'supervisor1']) {
      await expect(
        station.call('recipes.draft', { name: 'lid', source: { kind: 'folder', path: golden }, expert: 'auto' }, { user }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'recipes.draft needs an engineer; your role is ' + user.replace('1', '') });
      for (const method of ['recipes.draftResult', 'recipes.draftCancel', 'recipes.draftSave']) {
        await expect(station.call(method, { draftId: 'x' }, { user })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      }
    }
    expect(await written()).toEqual(before);
  });

  it('refuses a folder outside the allowed ones, missing, empty or a file, and a bad expert or name, writing nothing', async () => {
    const outside = await writeGoldenFolder(join(dir, 'outside'), 2);
    await mkdir(join(allowed, 'empty'));
    const file = join(allowed, 'one.png');
    await writeFile(file, await partPng(1));
    const before = await written();
    const draft = (source: unknown, extra: Record<string, unknown> = {}) => station.call('recipes.draft', { name: 'lid', source, expert: 'auto', ...extra }, ENG);
    const hidden = await draft({ kind: 'folder', path: outside }).catch((e: unknown) => e);
    const missing = await draft({ kind: 'folder', path: join(allowed, 'nope') }).catch((e: unknown) => e);
    // Outside and missing read the same: the call cannot probe what exists elsewhere on the disk.
    expect(hidden).toMatchObject({ code: 'NOT_FOUND' });
    expect((missing as Error).message).toBe((hidden as Error).message);
    await expect(draft({ kind: 'folder', path: join(allowed, 'empty') })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('no PNG') });
    await expect(draft({ kind: 'folder', path: file })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is a file') });
    await expect(draft({ kind: 'folder', path: 'relative/dir' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('absolute path') });
    await expect(draft({ kind: 'frames', sha256: ['0'.repeat(64)] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(draft({ kind: 'frames', sha256: [] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(draft({ kind: 'folder', path: allowed }, { expert: 'anomalib:/x.onnx' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('auto') });
    await expect(draft({ kind: 'folder', path: allowed }, { name: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await written()).toEqual(before);
  });

  it('a damaged image fails the fit and leaves nothing behind', async () => {
    const golden = await writeGoldenFolder(join(allowed, 'g'), 3);
    await writeFile(join(golden, 'zz-broken.png'), (await partPng(1)).subarray(0, 100));
    const before = await written();
    const started = (await station.call('recipes.draft', { name: 'lid', source: { kind: 'folder', path: golden }, expert: 'padim' }, ENG)) as RecipeDraftStarted;
    await expect(station.call('recipes.draftResult', { draftId: started.draftId }, ENG)).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringContaining('zz-broken.png') });
    await expect(station.call('recipes.draftSave', { draftId: started.draftId }, ENG)).rejects.toMatchObject({ code: 'BAD_IMAGE' });
    await station.call('recipes.draftCancel', { draftId: started.draftId }, ENG);
    expect(await written()).toEqual(before);
  });

  it('cancelling a fit in flight or a finished draft leaves nothing; drafts belong to their connection', async () => {
    const golden = await writeGoldenFolder(join(allowed, 'g'), 6);
    const before = await written();
    // At the fit's first progress event: a second fit on this connection is refused, then this one is cancelled.
    let second: Promise<unknown> | null = null;
    let cancel: Promise<unknown> | null = null;
    const off = station.on('recipes.draftProgress', (p) => {
      if (cancel) return;
      second = station.call('recipes.draft', { name: 'lid2', source: { kind: 'folder', path: golden }, expert: 'patchcore' }, ENG).catch((e: unknown) => e);
      cancel = station.call('recipes.draftCancel', { draftId: p.draftId }, ENG);
    });
    const started = (await station.call('recipes.draft', { name: 'lid', source: { kind: 'folder', path: golden }, expert: 'patchcore' }, ENG)) as RecipeDraftStarted;
    const outcome = await station.call('recipes.draftResult', { draftId: started.draftId }, ENG).catch((e: unknown) => e);
    off();
    expect(outcome).toMatchObject({ code: 'CANCELLED' });
    expect(await second).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('still being fitted') });
    expect(await cancel).toEqual({ cancelled: true });
    expect(await written()).toEqual(before);

    const finished = (await station.call('recipes.draft', { name: 'lid', source: { kind: 'folder', path: golden }, expert: 'patchcore' }, ENG)) as RecipeDraftStarted;
    await station.call('recipes.draftResult', { draftId: finished.draftId }, ENG);
    await expect(station.call('recipes.draftSave', { draftId: finished.draftId }, { ...ENG, connection: 'another-window' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await station.call('recipes.draftCancel', { draftId: finished.draftId }, ENG);
    expect(await written()).toEqual(before);
    expect((await auditOf('recipe.create')).map((a) => a.subject)).toEqual(['bracket@1']);
  });

  it('a connection that goes takes its drafts with it', async () => {
    const golden = await writeGoldenFolder(join(allowed, 'g'), 3);
    const before = await written();
    const started = (await station.call('recipes.draft', { name: 'lid', source: { kind: 'folder', path: golden }, expert: 'patchcore' }, { ...ENG, connection: 'w1' })) as RecipeDraftStarted;
    await station.call('recipes.draftResult', { draftId: started.draftId }, { ...ENG, connection: 'w1' });
    station.disconnect('w1');
    await expect.poll(async () => (await written()).drafts).toEqual([]);
    expect(await written()).toEqual(before);
  });
});

describe('recipes.draft with expert options', () => {
  /** The config the newest version of `name` records (config.expertOptions among it). */
  function recordedConfig(name: string): Record<string, unknown> | undefined {
    const db = openDatabase(join(dir, 'data', 'station.db'));
    try {
      return latestRecipe(db, name)?.config;
    } finally {
      db.close();
    }
  }

  it('refuses options the expert does not take with one error before anything is read or fitted', async () => {
    const golden = await writeGoldenFolder(join(allowed, 'g'), 3);
    const before = await written();
    const progress = progressEvents();
    const cases: Array<{ expert: 'auto' | 'patchcore' | 'padim'; options: unknown; message: RegExp }> = [
      { expert: 'patchcore', options: { bankRows: 8192 }, message: /^Invalid PatchCore option bankRows: PatchCore has no such option$/ },
      { expert: 'patchcore', options: { inputSize: 300 }, message: /^Invalid PatchCore option inputSize: .*multiple of 32/ },
      { expert: 'patchcore', options: { tile: { size: 512, overlap: 32 } }, message: /^Invalid PatchCore option tile\.size: tiles of 512x512 are larger than the working size \(short side 256\)/ },
      { expert: 'patchcore', options: { inputSize: 640, tile: { size: 128, overlap: 64 } }, message: /^Invalid PatchCore option tile\.overlap: an overlap of 64 is not less than half the tile size 128$/ },
      { expert: 'padim', options: { tile: { size: 128, overlap: 32 } }, message: /^Invalid PaDiM option tile: PaDiM has no such option$/ },
      // auto fits both candidates with the options: one only PatchCore takes is refused, naming the kind to choose.
      { expert: 'auto', options: { tile: { size: 128, overlap: 32 } }, message: /^Invalid PaDiM option tile: PaDiM has no such option\. auto fits patchcore and padim .*: choose the patchcore expert for these options$/ },
      // Not an object of options at all: the api's own check.
      { expert: 'patchcore', options: [{ inputSize: 384 }], message: /expertOptions/ },
    ];
    for (const c of cases) {
      const label = `${c.expert} ${JSON.stringify(c.options)}`;
      const err = await station.call('recipes.draft', { name: 'lid', source: { kind: 'folder', path: golden }, expert: c.expert, expertOptions: c.options }, ENG).catch((e: unknown) => e);
      expect(err, label).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(c.message) });
      expect((err as Error).message.split('\n'), label).toHaveLength(1);
    }
    // Nothing read, fitted or written: no progress, no fit, no draft folder, no recipe.
    expect(progress).toEqual([]);
    expect(fits).toEqual([]);
    expect(await written()).toEqual(before);
  });

  it('fits with good options, shows them, and records them on save as recipes.create does', async () => {
    const golden = await writeGoldenFolder(join(allowed, 'g'), 4);
    const options = { inputSize: 320, tile: { size: 128, overlap: 32 } };
    const started = (await station.call('recipes.draft', { name: 'lid', source: { kind: 'folder', path: golden }, expert: 'patchcore', expertOptions: options }, ENG)) as RecipeDraftStarted;
    const draft = (await station.call('recipes.draftResult', { draftId: started.draftId }, ENG)) as RecipeDraft;
    expect(fits).toEqual([options]);
    expect(draft).toMatchObject({ requested: 'patchcore', expertOptions: options, workingSize: { width: 16, height: 16 } });
    expect(recordedConfig('lid')).toBeUndefined();

    const saved = (await station.call('recipes.draftSave', { draftId: started.draftId }, ENG)) as RecipeSummary;
    expect(saved).toMatchObject({ name: 'lid', version: 1, expertOptions: options });
    expect(((await station.call('recipes.list', {})) as RecipeSummary[]).find((r) => r.name === 'lid')?.expertOptions).toEqual(options);
    expect((await auditOf('recipe.create')).find((a) => a.subject === 'lid@1')?.details).toMatchObject({ expert: 'patchcore', expertOptions: options });

    // The same goldens and options through recipes.create (the command line's call): the same recorded config.
    const cli = (await station.call('recipes.create', { name: 'lid-cli', referencesDir: golden, expert: 'patchcore', prompts: [], expertOptions: options }, ENG)) as RecipeSummary;
    expect(cli.expertOptions).toEqual(options);
    expect(fits).toEqual([options, options]);
    const fromDraft = recordedConfig('lid');
    expect(fromDraft?.['expertOptions']).toEqual(options);
    expect(fromDraft).toEqual(recordedConfig('lid-cli'));
  });

  it('shows each version with the options it was fitted with: a refit without options is the expert\'s defaults', async () => {
    const golden = await writeGoldenFolder(join(allowed, 'g'), 3);
    const options = { inputSize: 320, tile: { size: 128, overlap: 32 } };
    const fitAndSave = async (expertOptions: Record<string, unknown>) => {
      const started = (await station.call('recipes.draft', { name: 'lid', source: { kind: 'folder', path: golden }, expert: 'patchcore', expertOptions }, ENG)) as RecipeDraftStarted;
      await station.call('recipes.draftResult', { draftId: started.draftId }, ENG);
      return (await station.call('recipes.draftSave', { draftId: started.draftId }, ENG)) as RecipeSummary;
    };
    expect(await fitAndSave(options)).toMatchObject({ version: 1 });
    expect(await fitAndSave({})).toMatchObject({ version: 2 });
    const detail = (await station.call('recipes.get', { recipe: 'lid' })) as RecipeDetail;
    expect(detail.versions.map((v) => [v.version, v.expertOptions])).toEqual([
      [2, null],
      [1, options],
    ]);
  });

  it('without options records none: the expert\'s defaults', async () => {
    const golden = await writeGoldenFolder(join(allowed, 'g'), 3);
    const started = (await station.call('recipes.draft', { name: 'lid', source: { kind: 'folder', path: golden }, expert: 'auto', expertOptions: {} }, ENG)) as RecipeDraftStarted;
    expect(((await station.call('recipes.draftResult', { draftId: started.draftId }, ENG)) as RecipeDraft).expertOptions).toBeNull();
    const saved = (await station.call('recipes.draftSave', { draftId: started.draftId }, ENG)) as RecipeSummary;
    expect(fits).toEqual([undefined]);
    expect(saved.expertOptions).toBeNull();
    expect(recordedConfig('lid')).not.toHaveProperty('expertOptions');
  });
});
