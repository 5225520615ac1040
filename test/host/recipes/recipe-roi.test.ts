import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/open';
import { latestRecipe } from '../../../db/repositories/recipes';
import type { RoiMask } from '../../../host/experts/components/roi';
import { encodeRoiPng } from '../../../host/experts/components/roi-file';
import { sha256Bytes } from '../../../host/models/store';
import type { ExpertBackend } from '../../../host/recipes/expert-backend';
import { RecipeService } from '../../../host/recipes/recipe-service';
import { BlobStore } from '../../../host/store/blob-store';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { useTempDb } from '../../support/temp-db';

let dir: string;
let db: Db;
let service: RecipeService;
let blobs: BlobStore;
/** The region each fit was given. */
const given: Array<RoiMask | undefined> = [];

/** The mean-image expert, recording its region and saving it as host/experts' fitExpert + saveExpert do. */
const recordingBackend: ExpertBackend = {
  async fit(spec, golden, expertDir, options = {}) {
    given.push(options.roi);
    const d = await meanImageBackend.fit(spec, golden, expertDir, options);
    if (!options.roi) return d;
    const png = await encodeRoiPng(options.roi);
    const sha256 = sha256Bytes(png);
    await writeFile(join(expertDir, `${sha256}.png`), png);
    return { ...d, roi: { sha256, width: options.roi.width, height: options.roi.height, coverage: 0.5 } };
  },
  load: (expertDir) => meanImageBackend.load(expertDir),
};

useTempDb('recipes-roi-', (opened, made) => {
  db = opened;
  dir = made;
  blobs = new BlobStore(join(dir, 'blobs'));
  service = new RecipeService(db, blobs, join(dir, 'recipes'), recordingBackend);
  given.length = 0;
});
afterEach(() => service.close());

describe('RecipeService with a region of interest', () => {
  it('fits with the mask, stores it with the version, and refits with it when the golden set grows', async () => {
    const golden = await writeGoldenFolder(join(dir, 'g'), 3);
    const { width, height } = await sharp(await partPng(0)).metadata();
    const w = width ?? 0;
    const h = height ?? 0;
    const data = Buffer.alloc(w * h);
    for (let i = 0; i < data.length; i++) data[i] = i % w < w / 2 ? 255 : 0;
    const mask = join(dir, 'left.png');
    await sharp(data, { raw: { width: w, height: h, channels: 1 } }).png().toFile(mask);

    const v1 = await service.create({ name: 'lid', referencesDir: golden, expert: 'patchcore', prompts: [], author: 'eng', roi: mask });
    expect(given[0]).toMatchObject({ width: w, height: h });
    expect(v1.roi).toMatchObject({ width: w, height: h });
    // In the image store, for the screens to draw.
    expect(await blobs.read(v1.roi?.sha256 ?? '')).toBeTruthy();
    expect(latestRecipe(db, 'lid')?.config.roi).toEqual(v1.roi);

    const extra = await blobs.put(await partPng(7), '.png');
    const v2 = await service.addGoldenSample('lid', extra.sha256, 'eng');
    expect(v2.version).toBe(2);
    expect(Array.from(given[1]?.data ?? [])).toEqual(Array.from(given[0]?.data ?? []));
    expect(v2.roi?.sha256).toBe(v1.roi?.sha256);
  });
});
