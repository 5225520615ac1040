import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { command as inspectCommand } from '../../../host/cli/commands/inspect';
import type { Station } from '../../../host/station';
import { foreignImages, partInEachFormat, writeGoldenFolder } from '../fixtures/images';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';

/**
 * Every way bytes from outside reach the decoder (an upload from the UI, a camera frame, a golden
 * sample, the CLI's --image) decodes only PNG, JPEG, BMP and TIFF, sniffed from the bytes, and only
 * when they are the format declared; what is refused leaves no inspection, recipe or file behind.
 */
let dir: string;
let cam: string;
let station: Station;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'declared-'));
  cam = join(dir, 'cam');
  await mkdir(cam);
  station = await openStationWithRecipe({ dataDir: join(dir, 'data'), lmmDir: null, cameraSources: [`folder:${cam}`] }, { name: 'part', workDir: dir, goldenCount: 4, author: 'eng' });
});

afterAll(async () => {
  await station.close();
  await rm(dir, { recursive: true, force: true });
});

async function blobFiles(): Promise<string[]> {
  return (await readdir(station.layout.blobs, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
}

async function inspectionCount(): Promise<number> {
  return ((await station.call('inspections.recent', { limit: 200 })) as Results['inspections.recent']).length;
}

function upload(bytes: Buffer, mime: string) {
  return { kind: 'upload', mime, base64: bytes.toString('base64') };
}

describe('declared image types', () => {
  it('refuses GIF, WebP, SVG and random bytes uploaded as image/png, recording nothing', async () => {
    const [inspections, blobs] = [await inspectionCount(), await blobFiles()];
    for (const f of await foreignImages(5)) {
      await expect(station.call('inspect', { recipe: 'part', frame: upload(f.bytes, 'image/png') }), f.name).rejects.toMatchObject({
        code: 'BAD_IMAGE',
        message: expect.stringMatching(f.content),
      });
    }
    const jpeg = (await partInEachFormat(5))[1]!;
    await expect(station.call('inspect', { recipe: 'part', frame: upload(jpeg.bytes, 'image/png') })).rejects.toMatchObject({
      code: 'BAD_IMAGE',
      message: 'The upload (image/png) is declared PNG but its content is a JPEG image',
    });
    expect(await inspectionCount()).toBe(inspections);
    expect(await blobFiles()).toEqual(blobs);
  });

  it('inspects PNG, JPEG, BMP and TIFF uploads and stores each under its real extension', async () => {
    for (const f of await partInEachFormat(6)) {
      const r = (await station.call('inspect', { recipe: 'part', frame: upload(f.bytes, f.mime) })) as Results['inspect'];
      expect([r.width, r.height], f.type).toEqual([64, 64]);
      expect(extname(station.blobPath(r.imageSha256)), f.type).toBe(f.ext);
    }
  });

  it('refuses camera frames named .png that are not PNG, and stores nothing', async () => {
    const folder = join(cam, 'foreign');
    await mkdir(folder);
    for (const f of await foreignImages(7)) await writeFile(join(folder, `${f.name}.png`), f.bytes);
    const blobs = await blobFiles();
    const s = (await station.call('camera.open', { spec: `folder:${folder}` })) as Results['camera.open'];
    for (let i = 0; i < s.frames; i++) {
      await expect(station.call('camera.read', { sessionId: s.sessionId, advance: i > 0 })).rejects.toMatchObject({
        code: 'BAD_IMAGE',
        message: expect.stringMatching(/Not a readable image \(PNG, JPEG, BMP or TIFF\): the content is /),
      });
    }
    expect(await blobFiles()).toEqual(blobs);
  });

  it('plays camera frames in each format, stored under their real extension', async () => {
    const folder = join(cam, 'formats');
    await mkdir(folder);
    for (const f of await partInEachFormat(8)) await writeFile(join(folder, `part-${f.type}${f.ext}`), f.bytes);
    const s = (await station.call('camera.open', { spec: `folder:${folder}` })) as Results['camera.open'];
    const stored: string[] = [];
    for (let i = 0; i < s.frames; i++) {
      const frame = (await station.call('camera.read', { sessionId: s.sessionId, advance: i > 0 })) as Results['camera.read'];
      stored.push(`${frame.name} -> ${extname(station.blobPath(frame.sha256))}`);
    }
    expect(stored).toEqual(['part-bmp.bmp -> .bmp', 'part-jpeg.jpg -> .jpg', 'part-png.png -> .png', 'part-tiff.tif -> .tif']);
  });

  it('refuses a golden folder holding a WebP named .png: no recipe, no stored file', async () => {
    const golden = await writeGoldenFolder(join(dir, 'golden-webp'), 3);
    const webp = (await foreignImages(9)).find((f) => f.name === 'webp')!;
    await writeFile(join(golden, 'good_99.png'), webp.bytes);
    const blobs = await blobFiles();
    await expect(station.testInternals.recipes.create({ name: 'webp', referencesDir: golden, expert: 'patchcore', prompts: [], author: 'eng' })).rejects.toMatchObject({
      code: 'BAD_IMAGE',
      message: expect.stringMatching(/good_99\.png: Not a readable image .*a WebP image/),
    });
    expect(station.testInternals.recipes.list().map((r) => r.name)).toEqual(['part']);
    expect(await blobFiles()).toEqual(blobs);
  });

  it('refuses an SVG given to the CLI as --image part.png before opening the station', async () => {
    const svg = (await foreignImages(10)).find((f) => f.name === 'svg')!;
    const file = join(dir, 'part.png');
    await writeFile(file, svg.bytes);
    const inspections = await inspectionCount();
    await expect(inspectCommand.run(['--recipe', 'part', '--image', file, '--data-dir', join(dir, 'data'), '--device', 'cpu'])).rejects.toMatchObject({
      code: 'BAD_IMAGE',
      message: expect.stringMatching(/part\.png: Not a readable image .*an SVG/),
    });
    expect(await inspectionCount()).toBe(inspections);
  });
});
