import { rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../../lab/evaluation/protocol';
import { currentMachine } from '../../../lab/machine';
import { productName } from '../../../lab/evaluation/run';
import type { DialogRequest } from '../../../host/lmm/dialog-model';
import { ExpertNarrator } from '../../../host/lmm/expert-narrator/narrator';
import { meanDifferenceSubject } from './fixtures/mean-difference-expert';
import { makeSyntheticDataset } from './fixtures/synthetic-dataset';

const CONTRACT_KEYS = [
  'dataset', 'shots', 'seeds', 'expert', 'backbone', 'image_auroc', 'pixel_auroc', 'aupro', 'f1_max',
  'accuracy_expert', 'accuracy_best', 'accuracy_lmm', 'location_accuracy', 'type_accuracy', 'std',
  'per_defect', 'images', 'seconds',
];

let root: string;
let noGt: string;
beforeAll(async () => {
  root = await makeSyntheticDataset();
  noGt = await makeSyntheticDataset({ groundTruth: false });
});
afterAll(async () => {
  await rm(dirname(root), { recursive: true, force: true });
  await rm(dirname(noGt), { recursive: true, force: true });
});

describe('productName', () => {
  it('names the product as a recipe would: collection prefix dropped, separators as spaces', () => {
    expect(productName('mvtec-bottle')).toBe('bottle');
    expect(productName('magnetic-tile')).toBe('magnetic tile');
    expect(productName('MVTec_metal_nut')).toBe('metal nut');
    expect(productName('mvtec-')).toBe('mvtec-');
  });
});

describe('evaluate (protocol)', () => {
  it('runs one fit per seed on K references and reports mean, std and the contract keys', async () => {
    const subject = meanDifferenceSubject();
    const { report, runs } = await evaluate({ datasetDir: root, shots: 2, seeds: 3, subject, dialog: null, lmmReason: 'not requested' });
    for (const key of CONTRACT_KEYS) expect(report).toHaveProperty(key);
    expect(subject.fits).toEqual([[0, 2], [1, 2], [2, 2]]);
    expect(report).toMatchObject({ dataset: 'widget', shots: 2, seeds: 3, expert: 'mean-difference', images: 8 });
    expect(report.machine).toEqual(await currentMachine());
    // the stand-in separates 100-grey-level squares from noise perfectly
    expect(report.image_auroc).toBe(1);
    expect(report.accuracy_expert).toBe(1);
    expect(report.accuracy_best).toBe(1);
    expect(report.f1_max).toBe(1);
    expect(report.std.image_auroc).toBe(0);
    expect(report.pixel_auroc).toBeGreaterThan(0.95);
    expect(report.aupro).toBeGreaterThan(0.8);
    expect(report.accuracy_lmm).toBeNull();
    expect(report.notes.accuracy_lmm).toBe('not requested');
    expect(report.lmm_read_features).toBeNull();
    expect(report.notes.lmm_read_features).toBe('not requested');
    expect(report.lmm_overrules).toBeNull();
    expect(Object.keys(report.per_defect)).toEqual(['scratch', 'stain']);
    expect(report.per_defect.stain?.images).toBe(2);
    expect(report.warnings).toContain('1 image(s) of "stain" have no mask: skipped for pixel metrics');
    // seeds draw different reference sets, and each set has distinct images
    const refs = runs.map((r) => r.references.join(','));
    expect(new Set(refs).size).toBeGreaterThan(1);
    for (const r of runs) expect(new Set(r.references).size).toBe(2);
  });

  it('uses every reference in one run for --shots all', async () => {
    const subject = meanDifferenceSubject();
    const { report } = await evaluate({ datasetDir: root, shots: 'all', seeds: 5, subject, dialog: null, lmmReason: 'x' });
    expect(subject.fits).toEqual([[0, 6]]);
    expect(report.seeds).toBe(1);
    expect(report.std.image_auroc).toBeNull();
  });

  it('without a ground_truth folder keeps image metrics and makes pixel metrics null with a reason', async () => {
    const { report } = await evaluate({ datasetDir: noGt, shots: 1, seeds: 1, subject: meanDifferenceSubject(), dialog: null, lmmReason: 'x' });
    expect(report.image_auroc).toBe(1);
    expect(report.pixel_auroc).toBeNull();
    expect(report.aupro).toBeNull();
    expect(report.notes.pixel_auroc).toMatch(/no ground_truth masks/);
    expect(report.warnings[0]).toMatch(/no ground_truth folder/);
  });

  it('scores the first answers of a real dialog model with --lmm', async () => {
    const narrator = new ExpertNarrator();
    const asked: DialogRequest[] = [];
    const dialog = { name: narrator.name, version: narrator.version, generate: (req: DialogRequest, ...rest: [(d: string) => void, AbortSignal]) => {
      asked.push(req);
      return narrator.generate(req, ...rest);
    } };
    const { report, runs } = await evaluate({ datasetDir: root, shots: 2, seeds: 1, subject: meanDifferenceSubject(), dialog, lmmReason: '' });
    expect(report.lmm).toBe('expert-narrator 1');
    const firsts = asked.filter((r) => r.question === null);
    expect(firsts.length).toBe(runs[0]?.scored.length);
    expect(new Set(asked.map((r) => r.product))).toEqual(new Set([productName(basename(root))]));
    expect(firsts.every((r) => r.history.length === 0)).toBe(true);
    // Follow-ups the station's facts do not settle reach the model after its first answer.
    expect(asked.filter((r) => r.question !== null).every((r) => r.history.length === 1 && r.history[0]?.role === 'assistant')).toBe(true);
    expect(runs[0]?.scored.every((s) => s.answer !== null && /^(Yes|No)\b/.test(s.answer))).toBe(true);
    // the narrator's verdict follows the expert's score, which is right on every image here
    expect(report.accuracy_lmm).toBe(1);
    expect(report.location_accuracy).not.toBeNull();
    expect(report.type_accuracy).not.toBeNull();
    // the narrator never reads features and never leaves the expert's decision
    expect(report.lmm_read_features).toBe(0);
    expect(report.lmm_auroc).toBeNull();
    expect(report.notes.lmm_auroc).toBe('the dialog model does not report how its first answer leans');
    expect(report.lmm_overrules).toEqual({ fail_to_pass: { right: 0, wrong: 0 }, pass_to_fail: { right: 0, wrong: 0 } });
    expect(report.followup_accuracy).not.toBeNull();
  });

  it('reports the share of answers that read features and the overrules of the expert, per run and summed', async () => {
    // A model that, with features, finds every part good: on the goldens (so it passes the golden
    // check) and on every test image, where it overrules each of the (here always right) FAIL decisions.
    const narrator = new ExpertNarrator();
    const findsNothing = {
      name: 'finds-nothing',
      version: '1',
      readsFeatures: true,
      async generate(req: DialogRequest, onToken: (d: string) => void, signal: AbortSignal) {
        if (!req.features) return { ...(await narrator.generate(req, onToken, signal)), readFeatures: false };
        return { text: 'No, the part looks normal.', firstTokenMs: 1, totalMs: 1, tokens: 6, readFeatures: true };
      },
    };
    const subject = meanDifferenceSubject({ features: true });
    const { report, runs } = await evaluate({ datasetDir: root, shots: 2, seeds: 2, subject, dialog: findsNothing, lmmReason: '' });
    expect(report.lmm_read_features).toBe(1);
    const defective = runs[0]?.scored.filter((s) => s.defect !== null).length ?? 0;
    expect(defective).toBeGreaterThan(0);
    for (const run of report.runs) {
      expect(run.metrics.lmm_read_features).toBe(1);
      expect(run.lmm_overrules).toEqual({ fail_to_pass: { right: 0, wrong: defective }, pass_to_fail: { right: 0, wrong: 0 } });
    }
    expect(report.lmm_overrules).toEqual({ fail_to_pass: { right: 0, wrong: 2 * defective }, pass_to_fail: { right: 0, wrong: 0 } });
    expect(report.accuracy_lmm).toBe(1 - defective / (runs[0]?.scored.length ?? 1));
  });
  it("ranks the test images by the first answers' lean towards Yes (lmm_auroc), paired with the right images", async () => {
    // A model whose lean is the expert's score turned upside down: it ranks every pair the other way.
    const narrator = new ExpertNarrator();
    const contrary = {
      name: 'contrary',
      version: '1',
      readsFeatures: false,
      async generate(req: DialogRequest, onToken: (d: string) => void, signal: AbortSignal) {
        const reply = await narrator.generate(req, onToken, signal);
        return req.question === null ? { ...reply, yesOdds: -req.anomaly.score } : reply;
      },
    };
    const { report } = await evaluate({ datasetDir: root, shots: 2, seeds: 2, subject: meanDifferenceSubject(), dialog: contrary, lmmReason: '' });
    expect(report.image_auroc).toBeGreaterThan(0.8);
    expect(report.lmm_auroc).toBeCloseTo(1 - (report.image_auroc as number), 6);
    for (const [d, per] of Object.entries(report.per_defect)) expect(per.lmm_auroc, d).toBeCloseTo(1 - (per.image_auroc as number), 6);
  });

  it("withholds the features of a product whose golden check fails, so the answers keep the expert's verdicts", async () => {
    // A model that reads a defect into every surface it is shown, and follows the expert without one.
    const narrator = new ExpertNarrator();
    const asked: DialogRequest[] = [];
    const seesDefects = {
      name: 'sees-defects',
      version: '1',
      readsFeatures: true,
      async generate(req: DialogRequest, onToken: (d: string) => void, signal: AbortSignal) {
        asked.push(req);
        if (!req.features) return { ...(await narrator.generate(req, onToken, signal)), readFeatures: false };
        return { text: 'Yes, there is a tiny dust speck in the center.', firstTokenMs: 1, totalMs: 1, tokens: 9, readFeatures: true };
      },
    };
    const { report, runs } = await evaluate({ datasetDir: root, shots: 2, seeds: 1, subject: meanDifferenceSubject({ features: true }), dialog: seesDefects, lmmReason: '' });
    expect(report.runs[0]?.golden_check).toEqual({ checked: 2, saidYes: 2, readsProduct: false, reason: 'the model called 2 of 2 goldens defective', input: null });
    const tests = runs[0]?.scored.length ?? 0;
    expect(asked.filter((r) => r.question === null)).toHaveLength(2 + tests);
    expect(asked.slice(2).every((r) => r.features === undefined)).toBe(true);
    expect(report.accuracy_lmm).toBe(report.accuracy_expert);

    // The same product, read without that habit, keeps its features.
    const asked2: DialogRequest[] = [];
    const reads = { ...seesDefects, async generate(req: DialogRequest, onToken: (d: string) => void, signal: AbortSignal) {
      asked2.push(req);
      return { ...(await narrator.generate(req, onToken, signal)), readFeatures: req.features !== undefined };
    } };
    const second = await evaluate({ datasetDir: root, shots: 2, seeds: 1, subject: meanDifferenceSubject({ features: true }), dialog: reads, lmmReason: '' });
    expect(second.report.runs[0]?.golden_check).toEqual({ checked: 2, saidYes: 0, readsProduct: true, input: 'raw' });
    expect(asked2.slice(2).every((r) => r.features !== undefined)).toBe(true);
  });
});
