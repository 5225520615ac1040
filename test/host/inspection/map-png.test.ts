import sharp from 'sharp';
import { expect, it } from 'vitest';
import { decodeMapPng, encodeMapPng } from '../../../host/inspection/map-png';

it('stores a map as an 8-bit single-channel PNG that reads back to value/255', async () => {
  const map = new Float32Array([0, 0.5, 1, 0.25, 1.7, -0.2]);
  const png = await encodeMapPng(map, 3, 2);
  const meta = await sharp(png).metadata();
  expect([meta.format, meta.width, meta.height, meta.channels, meta.depth]).toEqual(['png', 3, 2, 1, 'uchar']);
  const back = await decodeMapPng(png);
  expect([...back.map].map((v) => Math.round(v * 255))).toEqual([0, 128, 255, 64, 255, 0]);
});

it('refuses a map whose size does not match', async () => {
  await expect(encodeMapPng(new Float32Array(5), 3, 2)).rejects.toMatchObject({ code: 'INTERNAL' });
});
