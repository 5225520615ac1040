import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';

/**
 * Writes IMAGE as a one-frame Y4M video (4:2:0, BT.601 full range) for Chromium's
 * --use-file-for-fake-video-capture, so the fake webcam shows a real part. Chromium loops the file.
 */
export async function imageToY4m(image: string, out: string, size = 256): Promise<void> {
  const { data } = await sharp(image).resize(size, size, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const y = Buffer.alloc(size * size);
  const u = Buffer.alloc((size / 2) * (size / 2));
  const v = Buffer.alloc((size / 2) * (size / 2));
  const px = (x: number, yy: number, c: number) => data[(yy * size + x) * 3 + c] as number;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const r = px(col, row, 0);
      const g = px(col, row, 1);
      const b = px(col, row, 2);
      y[row * size + col] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    }
  }
  for (let row = 0; row < size / 2; row++) {
    for (let col = 0; col < size / 2; col++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        r += px(col * 2 + dx, row * 2 + dy, 0);
        g += px(col * 2 + dx, row * 2 + dy, 1);
        b += px(col * 2 + dx, row * 2 + dy, 2);
      }
      [r, g, b] = [r / 4, g / 4, b / 4];
      u[row * (size / 2) + col] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)));
      v[row * (size / 2) + col] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)));
    }
  }
  const header = Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\n`, 'ascii');
  await writeFile(out, Buffer.concat([header, Buffer.from('FRAME\n', 'ascii'), y, u, v]));
}
