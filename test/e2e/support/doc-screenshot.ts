import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { SCREENSHOTS } from './paths';

/** Writes a screenshot to docs/screenshots as a palette PNG, small enough to keep in the repository. */
export async function saveDocScreenshot(png: Buffer, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await sharp(png).png({ palette: true, colours: 128, compressionLevel: 9 }).toFile(join(SCREENSHOTS, name));
}
