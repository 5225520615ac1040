import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Db } from '../../../db/open';
import { latestRecipe } from '../../../db/repositories/recipes';
import type { AnomalyResult, ExpertDescriptor, ExpertModule } from '../../../host/experts/expert';
import { EXPERT_FILE, fitExpert, loadExpert } from '../../../host/experts/index';
import {
  checkExpertSpec,
  expertSpellings,
  formatExpertSpec,
  parseExpertSpec,
  registerExpert,
} from '../../../host/experts/registry';
import type { RgbImage } from '../../../host/imaging/rgb-image';
import { onnxExpertBackend } from '../../../host/recipes/onnx-expert-backend';
import { RecipeService } from '../../../host/recipes/recipe-service';
import { BlobStore } from '../../../host/store/blob-store';
import { parseExpertOption } from '../../../lab/evaluation/expert-subject';
import { writeGoldenFolder } from '../fixtures/images';
import { useTempDb } from '../../support/temp-db';

/**
 * A new expert kind is its folder (here: this module) plus one registry line (`registerExpert`
 * below): the recipe spec parser, evaluate's `--expert`, the saved-expert schema and the recipe
 * service take it without any other source file changing.
 */
const brightnessOf = (image: RgbImage) => image.data.reduce((sum, v) => sum + v, 0) / image.data.length;

const MeanBrightnessOptions = z.strictObject({ margin: z.number().positive().optional() });
const MeanBrightnessState = z.strictObject({ mean: z.number(), rawThreshold: z.number().positive() });

function meanBrightnessExpert(descriptor: ExpertDescriptor, mean: number, rawThreshold: number) {
  return {
    descriptor,
    async inspect(image: RgbImage): Promise<AnomalyResult> {
      const score = (Math.abs(brightnessOf(image) - mean) / rawThreshold) * 0.5;
      return { map: Float32Array.of(Math.min(1, score)), mapWidth: 1, mapHeight: 1, score, timings: { backbone: 0, expert: 0 } };
    },
    async dispose() {},
  };
}

const meanBrightness: ExpertModule = {
  kind: 'mean-brightness',
  async fit(spec, golden) {
    const { margin = 10 } = MeanBrightnessOptions.parse(spec.options ?? {});
    const levels = golden.map((g) => brightnessOf(g.image));
    const mean = levels.reduce((a, b) => a + b, 0) / levels.length;
    const rawThreshold = Math.max(...levels.map((b) => Math.abs(b - mean))) + margin;
    const descriptor: ExpertDescriptor = {
      kind: 'mean-brightness',
      version: 1,
      backbone: null,
      backboneSha256: null,
      inputWidth: 1,
      inputHeight: 1,
      band: { t1: 0.45, t2: 0.55 },
      goldenCount: golden.length,
      calibration: { method: 'largest-deviation+margin', rawThreshold, rawFloor: 0, heldOutScores: levels.map((b) => (Math.abs(b - mean) / rawThreshold) * 0.5) },
      notes: [],
    };
    return { expert: meanBrightnessExpert(descriptor, mean, rawThreshold), state: { mean, rawThreshold }, blobs: { levels: new Uint8Array(Float32Array.from(levels).buffer) } };
  },
  async load(descriptor, state, blobs) {
    const { mean, rawThreshold } = MeanBrightnessState.parse(state);
    if (!blobs.levels) throw new Error('levels blob missing');
    return meanBrightnessExpert(descriptor, mean, rawThreshold);
  },
};

registerExpert({
  kind: 'mean-brightness',
  describe: 'test expert: distance of the mean grey level to the golden mean',
  parseOptions: (options) => void MeanBrightnessOptions.parse(options),
  module: async () => meanBrightness,
});

const runtime = { dataDir: '/nonexistent', device: 'cpu' as const };

describe('expert registry', () => {
  it('reads the built-in spellings and refuses unknown ones', () => {
    expect(parseExpertSpec('patchcore')).toEqual({ kind: 'patchcore' });
    expect(parseExpertSpec('auto')).toEqual({ kind: 'auto' });
    expect(parseExpertSpec('anomalib:/m/model.onnx')).toEqual({ kind: 'anomalib', options: { file: '/m/model.onnx' } });
    expect(formatExpertSpec({ kind: 'anomalib', options: { file: '/m/model.onnx' } })).toBe('anomalib:/m/model.onnx');
    expect(checkExpertSpec('zero-shot')).toBe('zero-shot');
    expect(() => parseExpertSpec('zero-shot')).toThrow(expect.objectContaining({ code: 'UNAVAILABLE' }));
    for (const bad of ['best', 'anomalib', 'anomalib:', 'patchcore:x']) {
      expect(() => checkExpertSpec(bad)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/Use one of: patchcore, padim, auto, zero-shot, anomalib:FILE/) }));
    }
    expect(() => registerExpert({ kind: 'padim', describe: 'again' })).toThrow(/registered twice/);
  });

  it('takes a kind registered here in the spec parser, evaluate --expert and fitExpert', async () => {
    expect(expertSpellings()).toContain('mean-brightness');
    expect(parseExpertSpec('mean-brightness')).toEqual({ kind: 'mean-brightness' });
    expect(parseExpertOption('mean-brightness', undefined, '{"margin":4}')).toEqual({ kind: 'mean-brightness', options: { margin: 4 } });
    expect(() => parseExpertOption('mean-brightness', undefined, '{"margin":-1}')).toThrow();
    const grey = (v: number): RgbImage => ({ data: new Uint8Array(12).fill(v), width: 2, height: 2 });
    const fitted = await fitExpert({ kind: 'mean-brightness' }, [{ name: 'a', image: grey(100) }, { name: 'b', image: grey(110) }], runtime);
    expect((await fitted.expert.inspect(grey(105))).score).toBeLessThan(0.5);
    expect((await fitted.expert.inspect(grey(200))).score).toBeGreaterThan(0.5);
  });

  describe('through the recipe path', () => {
    let dir: string;
    let db: Db;
    let service: RecipeService;
    useTempDb(
      'registry-',
      (opened, made) => {
        db = opened;
        dir = made;
        service = new RecipeService(db, new BlobStore(join(dir, 'blobs')), join(dir, 'recipes'), onnxExpertBackend(runtime));
      },
      'all',
    );
    // Registered after the database's teardown, so it runs before it.
    afterAll(() => service.close());

    it('fits, saves (expert.json schema), reloads and inspects the new kind', async () => {
      const golden = await writeGoldenFolder(join(dir, 'g'), 3);
      const summary = await service.create({ name: 'washer', referencesDir: golden, expert: 'mean-brightness', prompts: [], author: 'eng' });
      expect(summary.goldenCount).toBe(3);
      const row = latestRecipe(db, 'washer');
      if (!row) throw new Error('no recipe');
      expect([row.expert, row.backbone, row.backboneSha256]).toEqual(['mean-brightness', 'none', '']);
      expect(row.config).toMatchObject({ spec: 'mean-brightness', calibration: 'largest-deviation+margin' });
      const saved = JSON.parse(await readFile(join(row.expertDir, EXPERT_FILE), 'utf8')) as { descriptor: { kind: string } };
      expect(saved.descriptor.kind).toBe('mean-brightness');
      const reloaded = await loadExpert(row.expertDir, runtime);
      expect(reloaded.descriptor.kind).toBe('mean-brightness');
      const scores = (await service.goldenInspections(row.id, (all) => [...all])).map((r) => r.score);
      expect(scores).toHaveLength(3);
      for (const s of scores) expect(s).toBeLessThan(0.5);
    });
  });
});
