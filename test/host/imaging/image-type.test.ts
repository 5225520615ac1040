import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, readImageFile } from '../../../host/imaging/decode';
import { requireImageType, sniffImageType } from '../../../host/imaging/image-type';
import { errorOf } from '../../support/error-of';
import { useTempDir } from '../../support/temp-dir';
import { foreignImages, partInEachFormat } from '../fixtures/images';

let dir: string;
useTempDir('image-type-', (made) => (dir = made), 'all');

describe('image types', () => {
  it('decodes PNG, JPEG, BMP and TIFF, told apart by their magic bytes', async () => {
    for (const f of await partInEachFormat(2)) {
      expect(sniffImageType(f.bytes), f.type).toBe(f.type);
      const image = await decodeImage(f.bytes);
      expect([image.width, image.height], f.type).toEqual([64, 64]);
      expect(Math.abs((image.data[0] ?? 0) - 101), f.type).toBeLessThan(8);
      const file = join(dir, `part${f.ext}`);
      await writeFile(file, f.bytes);
      expect((await readImageFile(file)).width, f.type).toBe(64);
    }
  });

  it('refuses GIF, WebP, SVG and random bytes before any decoder, saying what they are', async () => {
    for (const f of await foreignImages(2)) {
      expect(sniffImageType(f.bytes), f.name).toBeNull();
      const err = await errorOf(decodeImage(f.bytes));
      expect(err.code, f.name).toBe('BAD_IMAGE');
      expect(err.message, f.name).toMatch(/^Not a readable image \(PNG, JPEG, BMP or TIFF\): the content is /);
      expect(err.message, f.name).toMatch(f.content);
      const file = join(dir, `${f.name}.png`);
      await writeFile(file, f.bytes);
      expect((await errorOf(readImageFile(file))).message, f.name).toMatch(f.content);
    }
  });

  it('refuses content that is not the format its name or MIME type declares', async () => {
    const [png, jpeg] = await partInEachFormat(2);
    const file = join(dir, 'mislabelled.png');
    await writeFile(file, jpeg!.bytes);
    expect(await errorOf(readImageFile(file))).toMatchObject({
      code: 'BAD_IMAGE',
      message: `${file}: mislabelled.png is declared PNG but its content is a JPEG image`,
    });
    expect(() => requireImageType(png!.bytes, { type: 'tiff', as: 'The upload (image/tiff)' })).toThrow(
      'The upload (image/tiff) is declared TIFF but its content is a PNG image',
    );
  });

  it('leaves libvips no loader but PNG, JPEG and TIFF in the host process', async () => {
    const [svg, gif, webp] = (await foreignImages(2)).map((f) => f.bytes);
    for (const bytes of [svg, gif, webp]) await expect(sharp(bytes).metadata()).rejects.toThrow(/unsupported image format/);
    const [png] = await partInEachFormat(2);
    expect((await sharp(png!.bytes).metadata()).format).toBe('png');
  });
});
