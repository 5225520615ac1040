import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDataset } from '../../../lab/evaluation/dataset';
import { loadTruth } from '../../../lab/evaluation/ground-truth';
import { useSyntheticDataset } from './fixtures/synthetic-dataset';

let root: string;
let scratch: string;
useSyntheticDataset('myriad-ds-', (made) => ({ root, scratch } = made));

describe('readDataset', () => {
  it('reads the MVTec layout with masks, defect types and type words', async () => {
    const ds = await readDataset(root);
    expect(ds.name).toBe('widget');
    expect(ds.train).toHaveLength(6);
    expect(ds.defectTypes).toEqual(['scratch', 'stain']);
    expect(ds.test.filter((t) => t.defect === null)).toHaveLength(3);
    expect(ds.test.find((t) => t.path.endsWith('scratch/0.png'))?.mask).toMatch(/ground_truth\/scratch\/0_mask\.png$/);
    expect(ds.test.find((t) => t.path.endsWith('stain/1.png'))?.mask).toBeNull();
    expect(ds.typeWords?.stain).toEqual(['stain', 'spot']);
  });

  it('names what is missing', async () => {
    await expect(readDataset(join(scratch, 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await mkdir(join(scratch, 'only-test', 'test', 'good'), { recursive: true });
    await expect(readDataset(join(scratch, 'only-test'))).rejects.toThrow(/no train\/good folder/);
    await mkdir(join(scratch, 'empty', 'train', 'good'), { recursive: true });
    await mkdir(join(scratch, 'empty', 'test'), { recursive: true });
    await expect(readDataset(join(scratch, 'empty'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses a malformed defect_types.json with one clear message', async () => {
    const bad = join(scratch, 'bad-types');
    await mkdir(join(bad, 'train', 'good'), { recursive: true });
    await mkdir(join(bad, 'test', 'good'), { recursive: true });
    const { readFile } = await import('node:fs/promises');
    const img = await readFile(join(root, 'train', 'good', '0.png'));
    await writeFile(join(bad, 'train', 'good', 'a.png'), img);
    await writeFile(join(bad, 'test', 'good', 'b.png'), img);
    await writeFile(join(bad, 'defect_types.json'), '{"crack": "crack"}');
    await expect(readDataset(bad)).rejects.toThrow(/must map each defect folder to a non-empty list of words/);
  });
});

describe('loadTruth', () => {
  it('resizes a mask of another size by nearest neighbour and finds the largest region cell', async () => {
    // scratch/1 has a 64x64 mask of an 8x8 square at (12,12) of the 32x32 image: the center cell
    const truth = await loadTruth(join(root, 'ground_truth/scratch/1_mask.png'), true, 32, 32);
    expect(truth.kind).toBe('masked');
    if (truth.kind !== 'masked') return;
    expect(truth.regionSizes).toEqual([64]);
    expect(truth.labels[12 * 32 + 12]).toBe(1);
    expect(truth.labels[11 * 32 + 12]).toBe(0);
    expect(truth.largestCell).toBe(4);
  });

  it('marks good and unmasked defective images', async () => {
    expect(await loadTruth(null, false, 4, 4)).toEqual({ kind: 'good' });
    expect(await loadTruth(null, true, 4, 4)).toEqual({ kind: 'unmasked' });
  });
});
