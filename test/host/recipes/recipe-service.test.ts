import { mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/open';
import { verifyAuditChain } from '../../../db/repositories/audit-log';
import { goldenSamples, latestRecipe } from '../../../db/repositories/recipes';
import { RecipeService } from '../../../host/recipes/recipe-service';
import { BlobStore } from '../../../host/store/blob-store';
import sharp from 'sharp';
import { goldenSamplingNote } from '../../../host/recipes/golden-sampling';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { useTempDb } from '../../support/temp-db';

let dir: string;
let db: Db;
let service: RecipeService;
let blobs: BlobStore;

useTempDb('recipes-', (opened, made) => {
  db = opened;
  dir = made;
  blobs = new BlobStore(join(dir, 'blobs'));
  service = new RecipeService(db, blobs, join(dir, 'recipes'), meanImageBackend);
});
// Registered after the database's teardown, so it runs before it.
afterEach(() => service.close());

const input = (referencesDir: string, extra: Partial<Parameters<RecipeService['create']>[0]> = {}) => ({
  name: 'lid',
  referencesDir,
  expert: 'patchcore',
  prompts: [] as string[],
  author: 'eng',
  ...extra,
});

describe('RecipeService', () => {
  it('create-or-replace records a new version with its golden samples as blobs, and audits it', async () => {
    const golden = await writeGoldenFolder(join(dir, 'g'), 3);
    const v1 = await service.create(input(golden, { prompts: ['ignore dust'] }));
    const v2 = await service.create(input(golden));
    expect([v1.version, v2.version, v2.goldenCount]).toEqual([1, 2, 3]);
    expect(v2.instructions.map((i) => i.text)).toEqual(['ignore dust']);
    const row = latestRecipe(db, 'lid');
    expect(row && existsSync(join(row.expertDir, 'mean.json'))).toBe(true);
    const samples = goldenSamples(db, row?.id ?? -1);
    expect(samples.map((s) => s.sourceName)).toEqual(['good_00.png', 'good_01.png', 'good_02.png']);
    for (const s of samples) expect(await blobs.read(s.imageSha256)).toBeTruthy();
    expect(service.list().map((r) => [r.name, r.version])).toEqual([['lid', 2]]);
    const audit = db.prepare('SELECT action, subject FROM audit_log ORDER BY seq').all();
    expect(audit).toEqual([
      { action: 'recipe.create', subject: 'lid@1' },
      { action: 'recipe.create', subject: 'lid@2' },
    ]);
    expect(verifyAuditChain(db)).toBeNull();
  });

  it('reads golden samples from NAME/train/good in an MVTec-style folder', async () => {
    await writeGoldenFolder(join(dir, 'mvtec', 'train', 'good'), 2);
    await mkdir(join(dir, 'mvtec', 'test', 'good'), { recursive: true });
    expect((await service.create(input(join(dir, 'mvtec')))).goldenCount).toBe(2);
  });

  it('fits on 500 evenly spaced golden images of a larger folder, says so and records it in the version', async () => {
    const folder = join(dir, 'many');
    await mkdir(folder);
    const available = 1234;
    for (let i = 0; i < available; i++) {
      // Distinct 8x8 images: one blob per file, as a real capture run gives.
      const px = Buffer.from(Array.from({ length: 8 * 8 * 3 }, (_, k) => (k === 0 ? i % 256 : k === 1 ? Math.floor(i / 256) : 128)));
      await writeFile(join(folder, `img_${String(i).padStart(4, '0')}.png`), await sharp(px, { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer());
    }
    const made = await service.create(input(folder));
    expect(made.goldenCount).toBe(500);
    expect(made.goldenSampling).toEqual({ used: 500, available, method: 'evenly spaced by name' });
    expect(goldenSamplingNote(made.goldenSampling ?? { used: 0, available: 0, method: 'evenly spaced by name' })).toBe(
      'using 500 of 1234 golden images, evenly spaced by name',
    );
    const row = latestRecipe(db, 'lid');
    expect(row?.config['goldenSampling']).toEqual({ used: 500, available, method: 'evenly spaced by name' });
    const indices = goldenSamples(db, row?.id ?? -1).map((g) => Number(g.sourceName.slice(4, 8)));
    expect(indices[0]).toBe(0);
    expect(indices.at(-1)).toBe(1231);
    const gaps = new Set(indices.slice(1).map((v, k) => v - (indices[k] as number)));
    expect([...gaps].sort()).toEqual([2, 3]);
    const audit = db.prepare("SELECT details_json FROM audit_log WHERE action = 'recipe.create'").get() as { details_json: string };
    expect(JSON.parse(audit.details_json).goldenSampling).toEqual({ used: 500, available, method: 'evenly spaced by name' });
    // The same folder gives the same sample; a folder within the limit is used whole, unmarked.
    const again = await service.create(input(folder));
    expect(goldenSamples(db, latestRecipe(db, 'lid')?.id ?? -1).map((g) => g.sourceName)).toEqual(goldenSamples(db, row?.id ?? -1).map((g) => g.sourceName));
    expect(again.version).toBe(2);
    expect((await service.create(input(await writeGoldenFolder(join(dir, 'few'), 3)))).goldenSampling).toBeNull();
  }, 120_000);

  it('refuses bad references and specs without recording anything', async () => {
    const golden = await writeGoldenFolder(join(dir, 'g'), 2);
    await expect(service.create(input(join(dir, 'missing')))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await mkdir(join(dir, 'empty'));
    await expect(service.create(input(join(dir, 'empty')))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('no PNG') });
    await writeFile(join(golden, 'zz-broken.png'), (await partPng(1)).subarray(0, 100));
    await expect(service.create(input(golden))).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringContaining('zz-broken.png') });
    await rm(join(golden, 'zz-broken.png'));
    await expect(service.create(input(golden, { expert: 'magic' }))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('patchcore, padim') });
    await expect(service.create(input(golden, { name: ' ' }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(service.create(input(golden, { prompts: ['x'.repeat(2001)] }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(service.list()).toEqual([]);
    expect(existsSync(join(dir, 'recipes')) ? readdirSync(join(dir, 'recipes')) : []).toEqual([]);
  });

  it('adds and deactivates instructions; deactivation is audited and the text kept', async () => {
    await service.create(input(await writeGoldenFolder(join(dir, 'g'), 2)));
    const a = service.addInstruction('lid', '  <script>alert(1)</script>  ', 'op');
    expect(a.text).toBe('<script>alert(1)</script>');
    const removed = service.removeInstruction(a.id, 'eng');
    expect(removed.activeTo).not.toBeNull();
    expect(removed.text).toBe(a.text);
    expect(service.instructions('lid')).toEqual([]);
    expect(() => service.removeInstruction('nope', 'eng')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => service.instructions('nope')).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining('Known recipes: lid') }));
    expect((db.prepare("SELECT action FROM audit_log WHERE action LIKE 'instruction.%' ORDER BY seq").all() as Array<{ action: string }>).map((r) => r.action)).toEqual([
      'instruction.add',
      'instruction.deactivate',
    ]);
  });

  it('keeps one warm expert per recipe version', async () => {
    await service.create(input(await writeGoldenFolder(join(dir, 'g'), 2)));
    const row = service.latest('lid');
    expect(await service.expert(row)).toBe(await service.expert(row));
  });
});
