import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { decodeImage } from '../../../host/imaging/decode';
import type { Station } from '../../../host/station';
import { badImages, cmykJpeg, png16, type BadImage } from '../fixtures/bad-images';
import { partPng } from '../fixtures/images';
import { openStationWithRecipe, uploadFrame } from '../fixtures/station-with-recipe';

let dir: string;
let station: Station;
let bad: BadImage[];
let firstId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'badimg-'));
  bad = await badImages();
  // The bad files are written into `dir`, allowed as a camera folder so file: may open them.
  station = await openStationWithRecipe({ dataDir: join(dir, 'data'), cameraSources: [`folder:${dir}`] }, { name: 'part', workDir: dir, goldenCount: 4, author: 'eng' });
  const first = (await station.call('inspect', { recipe: 'part', frame: uploadFrame(await partPng(7)) })) as Results['inspect'];
  firstId = first.id;
});

afterAll(async () => {
  await station.close();
  await rm(dir, { recursive: true, force: true });
});


async function blobCount(): Promise<number> {
  return (await readdir(station.layout.blobs, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;
}

describe('bad images through decode', () => {
  it('refuses each with BAD_IMAGE and one clear sentence', async () => {
    for (const b of await badImages()) {
      const err = await decodeImage(b.bytes).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, b.name).toMatchObject({ code: 'BAD_IMAGE', message: expect.stringMatching(b.message) });
      expect((err as Error).message, b.name).not.toMatch(/\n/);
    }
  });

  it('decodes 16-bit PNG and CMYK JPEG to 8-bit RGB', async () => {
    for (const bytes of [await png16(), await cmykJpeg()]) {
      const image = await decodeImage(bytes);
      expect([image.width, image.height, image.data.length]).toEqual([64, 64, 64 * 64 * 3]);
      expect(Math.abs((image.data[0] ?? 0) - 100)).toBeLessThan(20);
    }
  });
});

describe('bad images through inspect', () => {
  it('refuses each with BAD_IMAGE, records nothing and stores no file', async () => {
    const blobsBefore = await blobCount();
    for (const b of bad) {
      // An empty upload is already refused by the api schema; an empty file reaches the decoder.
      const expected = b.bytes.length === 0 ? { code: 'INVALID_INPUT', message: expect.stringContaining('frame.base64') } : { code: 'BAD_IMAGE', message: expect.stringMatching(b.message) };
      await expect(station.call('inspect', { recipe: 'part', frame: uploadFrame(b.bytes) }), b.name).rejects.toMatchObject(expected);
      const file = join(dir, `${b.name}.png`);
      await writeFile(file, b.bytes);
      const session = (await station.call('camera.open', { spec: `file:${file}` })) as Results['camera.open'];
      await expect(station.call('camera.read', { sessionId: session.sessionId, advance: false }), b.name).rejects.toMatchObject({
        code: 'BAD_IMAGE',
        message: expect.stringMatching(b.message),
      });
      await station.call('camera.close', { sessionId: session.sessionId });
    }
    const recent = (await station.call('inspections.recent', { limit: 50 })) as Results['inspections.recent'];
    expect(recent.map((r) => r.id)).toEqual([firstId]);
    expect(await blobCount()).toBe(blobsBefore);
  });

  it('refuses base64 that is not base64', async () => {
    await expect(
      station.call('inspect', { recipe: 'part', frame: { kind: 'upload', mime: 'image/png', base64: 'not base64 at all!' } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('base64') });
  });

  it('inspects 16-bit PNG and CMYK JPEG like any other image', async () => {
    const a = (await station.call('inspect', { recipe: 'part', frame: uploadFrame(await png16()) })) as Results['inspect'];
    const b = (await station.call('inspect', { recipe: 'part', frame: uploadFrame(await cmykJpeg(), 'image/jpeg') })) as Results['inspect'];
    expect(a.verdict).toBe('pass');
    expect(['pass', 'review']).toContain(b.verdict);
    expect(station.blobPath(b.imageSha256)).toMatch(/\.jpg$/);
  });
});
