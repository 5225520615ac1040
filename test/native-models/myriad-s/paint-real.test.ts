import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readDataset } from '../../../lab/evaluation/dataset';
import { BOTTLE, HAS_BOTTLE } from '../../host/experts/shared-fixtures';
import { useTempDir } from '../../support/temp-dir';
import { PYTHON, pythonImports } from '../../support/python';

/**
 * paint_real.py: the synthetic engine's defects painted onto a real set's good test images, written
 * as a set `evaluate` reads, each painted image with a mask of its own size that covers what changed.
 */
const SCRIPT = resolve(__dirname, '../../../native-models/myriad-s/paint_real.py');
const hasNumpy = pythonImports('numpy, PIL');

function paintReal(...args: string[]) {
  return spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe.skipIf(!hasNumpy || !HAS_BOTTLE)('painting defects onto real good parts', () => {
  let dir: string;
  useTempDir('paint-real-', (d) => (dir = d));

  it('writes an evaluation set whose painted images differ from their real source where the mask says', async () => {
    const out = join(dir, 'set');
    const run = paintReal('--dataset', BOTTLE, '--out', out, '--types', 'pitting,missing piece', '--count', '3', '--seed', '1');
    expect(run.status, run.stderr).toBe(0);

    const dataset = await readDataset(out);
    expect(dataset.typeWords).toEqual({ pitting: ['pit'], missing_piece: ['missing piece'] });
    expect(readdirSync(join(out, 'test/good'))).toHaveLength(3);
    for (const folder of ['pitting', 'missing_piece']) {
      const painted = readdirSync(join(out, 'test', folder));
      expect(painted.length).toBeGreaterThanOrEqual(2);
      for (const name of painted) {
        const source = await sharp(join(BOTTLE, 'test/good', name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        const image = await sharp(join(out, 'test', folder, name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        const mask = await sharp(join(out, 'ground_truth', folder, name.replace(/\.png$/, '_mask.png'))).greyscale().raw().toBuffer({ resolveWithObject: true });
        expect([image.info.width, image.info.height]).toEqual([source.info.width, source.info.height]);
        expect([mask.info.width, mask.info.height]).toEqual([source.info.width, source.info.height]);
        // the painted change sits inside the mask: the mean change there is far above the change outside
        let inside = 0, insideN = 0, outside = 0, outsideN = 0;
        for (let p = 0; p < mask.data.length; p++) {
          let diff = 0;
          for (let c = 0; c < 3; c++) diff += Math.abs((image.data[p * 3 + c] as number) - (source.data[p * 3 + c] as number));
          if ((mask.data[p] as number) > 127) { inside += diff; insideN++; } else { outside += diff; outsideN++; }
        }
        expect(insideN).toBeGreaterThan(0);
        expect(inside / insideN).toBeGreaterThan(5 * (outside / outsideN) + 10);
      }
    }
  });

  it('leaves a part that is not square as it was outside the defect, so blur does not give a painted image away', async () => {
    // A wide textured part (3:1): the painters' square round trip would blur all of it.
    const set = join(dir, 'wide');
    for (const sub of ['train/good', 'test/good']) {
      mkdirSync(join(set, sub), { recursive: true });
      for (let i = 0; i < 2; i++) {
        const width = 240;
        const height = 80;
        const pixels = Buffer.alloc(width * height * 3);
        for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) pixels[p * 3 + c] = ((p * 7919 + c * 104729 + i * 31) % 251) & 0xff;
        await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toFile(join(set, sub, `${i}.png`));
      }
    }
    const out = join(dir, 'wide-painted');
    const run = paintReal('--dataset', set, '--out', out, '--types', 'scratch', '--count', '1', '--seed', '2');
    expect(run.status, run.stderr).toBe(0);
    const [name] = readdirSync(join(out, 'test/scratch'));
    const source = await sharp(join(set, 'test/good', name as string)).raw().toBuffer({ resolveWithObject: true });
    const image = await sharp(join(out, 'test/scratch', name as string)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const mask = await sharp(join(out, 'ground_truth/scratch', (name as string).replace(/\.png$/, '_mask.png'))).greyscale().raw().toBuffer({ resolveWithObject: true });
    const { width, height } = source.info;
    const nearMask = (x: number, y: number) => {
      for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) {
        const u = x + dx, v = y + dy;
        if (u >= 0 && v >= 0 && u < width && v < height && (mask.data[v * width + u] as number) > 127) return true;
      }
      return false;
    };
    let changedFar = 0, changedNear = 0;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const same = [0, 1, 2].every((c) => image.data[p * 3 + c] === source.data[p * 3 + c]);
      if (!same) nearMask(x, y) ? changedNear++ : changedFar++;
    }
    expect(changedFar).toBe(0);
    expect(changedNear).toBeGreaterThan(0);
  });

  it('names painted edge damage by both words the engine records for it, the material of a real part being unknown', async () => {
    const out = join(dir, 'edges');
    const run = paintReal('--dataset', BOTTLE, '--out', out, '--types', 'fray', '--count', '1');
    expect(run.status, run.stderr).toBe(0);
    expect((await readDataset(out)).typeWords).toEqual({ fray: ['chipped edge', 'frayed edge'] });
  });

  it('refuses an unknown type, a folder that is not a set and an existing output, writing nothing', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--dataset', BOTTLE, '--out', join(dir, 'a'), '--types', 'pitting,smudge'], /unknown smudge/],
      // cut-paste needs a second image of the same part
      [['--dataset', BOTTLE, '--out', join(dir, 'a'), '--types', 'cut-paste'], /unknown cut-paste/],
      [['--dataset', dir, '--out', join(dir, 'b')], /MVTec AD layout expected/],
      [['--dataset', BOTTLE, '--out', dir], /exists/],
    ];
    for (const [args, message] of cases) {
      const run = paintReal(...args);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, 'a'))).toBe(false);
    expect(existsSync(join(dir, 'b'))).toBe(false);
  });
});
