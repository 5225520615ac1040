import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModel } from '../../../host/models/store';
import { BACKBONE, DEMO, runCli, writtenRecipes } from '../fixtures/station-cli';

const haveBackbone = existsSync(BACKBONE);
const SIZE = 256;
/** Rows at the top of every golden image that are one flat grey: camera padding, nothing of the part. */
const BAND = 40;

let dir: string;
let dataDir: string;

const cli = (args: string[]) => runCli(dataDir, args);
const written = () => writtenRecipes(dataDir);

/** A grey PNG mask of width x height, white where `inside(x, y)`. */
async function maskPng(file: string, width: number, height: number, inside: (x: number, y: number) => boolean): Promise<string> {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = inside(x, y) ? 255 : 0;
  await sharp(data, { raw: { width, height, channels: 1 } }).png().toFile(file);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-roi-'));
  dataDir = join(dir, 'data');
  if (!haveBackbone) return;
  await importModel(dataDir, BACKBONE);
  await mkdir(join(dir, 'golden'));
  for (const i of ['01', '02', '03', '04']) {
    // The demo washers with a flat band on top, as a camera's padding would be.
    const { data, info } = await sharp(join(DEMO, 'golden', `golden-${i}.png`)).greyscale().raw().toBuffer({ resolveWithObject: true });
    data.fill(90, 0, BAND * info.width);
    await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } }).png().toFile(join(dir, 'golden', `golden-${i}.png`));
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveBackbone)('recipe create --roi', () => {
  it('refuses every bad mask with one line naming what is wrong, and writes nothing', async () => {
    await writeFile(join(dir, 'mask.jpg'), await sharp({ create: { width: SIZE, height: SIZE, channels: 3, background: '#fff' } }).jpeg().toBuffer());
    const full = await readFile(await maskPng(join(dir, 'full.png'), SIZE, SIZE, () => true));
    await writeFile(join(dir, 'truncated.png'), full.subarray(0, 60));
    const cases = [
      { mask: await maskPng(join(dir, 'small-size.png'), 128, 128, () => true), message: /is 128x128 but the golden image golden-01\.png is 256x256/ },
      { mask: await maskPng(join(dir, 'empty.png'), SIZE, SIZE, () => false), message: /is empty: no pixel of the mask is above 127/ },
      { mask: await maskPng(join(dir, 'band.png'), SIZE, SIZE, (_, y) => y < BAND - 4), message: /covers nothing of the part/ },
      { mask: await maskPng(join(dir, 'dot.png'), SIZE, SIZE, (x, y) => Math.hypot(x - 128, y - 128) < 3), message: /too small: at the working size 256x256 it holds no whole 8x8 feature cell/ },
      { mask: join(dir, 'mask.jpg'), message: /is not a PNG image \(it is a JPEG image\)/ },
      { mask: join(dir, 'truncated.png'), message: /is not a readable PNG/ },
      { mask: join(dir, 'missing.png'), message: /cannot be read \(no such file\)/ },
    ];
    for (const c of cases) {
      const r = cli(['recipe', 'create', '--name', 'washer', '--references', join(dir, 'golden'), '--expert', 'padim', '--roi', c.mask]);
      expect(r.code, c.mask).not.toBe(0);
      expect(r.stderr, c.mask).toMatch(c.message);
      expect(r.stderr.trim().split('\n'), c.mask).toHaveLength(1);
      expect(await written(), c.mask).toEqual({ recipes: 0, folders: 0, blobs: 0 });
    }
  });

  it('records the mask with the recipe version, hashed; the inspected map is zero outside it', async () => {
    const mask = await maskPng(join(dir, 'lower.png'), SIZE, SIZE, (_, y) => y >= 96);
    const out = join(dir, 'recipe.json');
    const r = cli(['recipe', 'create', '--name', 'washer', '--references', join(dir, 'golden'), '--expert', 'padim', '--roi', mask, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\nRegion of interest: 62\.5 % of the image; outside it nothing raises a verdict\n/);
    const recipe = JSON.parse(await readFile(out, 'utf8')) as { roi: { sha256: string; width: number; height: number; coverage: number } };
    expect(recipe.roi).toMatchObject({ width: SIZE, height: SIZE, coverage: 0.625 });
    const folders = await readdir(join(dataDir, 'recipes'));
    expect(folders).toHaveLength(1);
    expect(await readdir(join(dataDir, 'recipes', folders[0] as string))).toContain(`${recipe.roi.sha256}.png`);
    const manifest = JSON.parse(await readFile(join(dataDir, 'recipes', folders[0] as string, 'expert.json'), 'utf8')) as { roi: { sha256: string } };
    expect(manifest.roi.sha256).toBe(recipe.roi.sha256);

    const inspectOut = join(dir, 'inspect.json');
    const golden = join(dir, 'golden', 'golden-01.png');
    const i = cli(['inspect', '--recipe', 'washer', '--image', golden, '--out', inspectOut]);
    expect(i.code, i.stderr).toBe(0);
    const { anomaly_map: map } = JSON.parse(await readFile(inspectOut, 'utf8')) as { anomaly_map: string };
    const { data, info } = await sharp(map).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    // The map is zero above the region (rows 0..95 of 256, at the map's own size).
    for (let y = 0; y < Math.floor((96 * info.height) / SIZE) - 1; y++) for (let x = 0; x < info.width; x++) expect(data[y * info.width + x]).toBe(0);
  });
});
