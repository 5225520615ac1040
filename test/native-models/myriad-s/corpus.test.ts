import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCells, parsePolarity } from '../../../common/answer-grammar';
import { PYTHON, pythonImports } from '../../support/python';

/**
 * The training corpus must speak the station's answer grammar: whatever Myriad-S learns from it is
 * what `evaluate --lmm` will parse. Python generates samples and dialogs; the TypeScript grammar reads them.
 */
const ROOT = resolve(__dirname, '../../..');
const hasTorch = pythonImports('torch, numpy');

interface Instance {
  type: string;
  cell: number;
  /** Cells holding at least a fifth of the instance's pixels, most first. */
  cells: number[];
  area_fraction: number;
}
interface Row {
  product: string;
  defects: Instance[];
  nuisances: Instance[];
  segments: Array<[string, boolean]>;
  segments_encode_as_whole: boolean;
  segment_weights: number[][];
  weights_follow_labels: boolean;
}

const firstAnswer = (r: Row) => (r.segments.find(([, trainable]) => trainable)?.[0] ?? '').replace('</s>', '').trim();
const instructionsOf = (r: Row) => r.segments.filter(([t]) => t.startsWith('Instruction: ')).map(([t]) => t);

function sampleRows(args: string[]): Row[] {
  const r = spawnSync(PYTHON, [join(ROOT, 'native-models/myriad-s/sample_dialogs.py'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Row);
}

describe.skipIf(!hasTorch)('Myriad-S instruction corpus', () => {
  let rows: Row[];

  beforeAll(() => {
    rows = sampleRows(['--count', '60', '--seed', '3']);
  });

  it('has normal and anomalous samples 1:1, and anomalous ones carry ground truth', () => {
    expect(rows).toHaveLength(60);
    expect(rows.filter((r) => r.defects.length > 0).length).toBeGreaterThanOrEqual(25);
    for (const r of rows.filter((_, i) => i % 2 === 0)) expect(r.defects).toEqual([]);
  });

  it('first answers parse: Yes with the largest reported anomaly named first, No otherwise', () => {
    let yes = 0;
    for (const r of rows) {
      const answer = firstAnswer(r);
      const instructed = instructionsOf(r).length > 0;
      const everything = [...r.defects, ...r.nuisances].sort((a, b) => b.area_fraction - a.area_fraction);
      expect(answer).toContain(r.product);
      if (!instructed) {
        expect(parsePolarity(answer), answer).toBe(everything.length > 0 ? 'yes' : 'no');
      }
      if (parsePolarity(answer) === 'yes') {
        yes += 1;
        if (!instructed) expect(parseCells(answer)[0], answer).toBe(everything[0]?.cell);
      } else {
        expect(parsePolarity(answer), answer).toBe('no');
      }
    }
    expect(yes).toBeGreaterThan(20);
  });

  it('names the centroid cell first, then the other cells a single instance spreads into, in the grammar', () => {
    let spilled = 0;
    for (const r of rows) {
      const everything = [...r.defects, ...r.nuisances];
      if (instructionsOf(r).length > 0 || everything.length !== 1) continue;
      const [only] = everything as [Instance];
      const spill = only.cells.filter((c) => c !== only.cell).slice(0, 2);
      const answer = firstAnswer(r);
      expect(parseCells(answer), answer).toEqual([only.cell, ...spill]);
      expect(answer.includes('extending into'), answer).toBe(spill.length > 0);
      if (spill.length > 0) spilled += 1;
    }
    expect(spilled).toBeGreaterThan(0);
  });

  it('separates instances with semicolons once one of them lists the cells it spreads into', () => {
    const lists = rows.map(firstAnswer).filter((a) => /anomalies on the .*extending into/.test(a));
    expect(lists.length).toBeGreaterThan(0);
    for (const a of lists) expect(a, a).toMatch(/; and a /);
  });

  it('turns a shadow-only image into No when told to ignore the shadow', () => {
    const cases = rows.filter(
      (r) => r.defects.length === 0 && r.nuisances.some((n) => n.type === 'shadow') && instructionsOf(r).some((t) => /shadow/i.test(t)),
    );
    expect(cases.length).toBeGreaterThan(0);
    for (const r of cases) expect(parsePolarity(firstAnswer(r)), firstAnswer(r)).toBe('no');
  });

  it('in the instructed-nuisance slots, tells the recipe to ignore each nuisance once and answers accordingly', () => {
    const instructed = sampleRows(['--count', '60', '--seed', '5', '--ignore-nuisances']);
    const NUISANCE_WORDS: Record<string, RegExp> = { shadow: /shadow/i, dust: /dust/i, reflection: /reflection/i };
    let nuisanceOnly = 0;
    for (const r of instructed) {
      const texts = instructionsOf(r);
      expect(new Set(texts).size, texts.join(' | ')).toBe(texts.length);
      for (const n of r.nuisances) expect(texts.some((t) => NUISANCE_WORDS[n.type]?.test(t)), `${n.type}: ${texts.join(' | ')}`).toBe(true);
      const answer = firstAnswer(r);
      for (const n of r.nuisances) expect(answer, answer).not.toMatch(new RegExp(`\\b(?:a|an) [a-z -]*${n.type === 'dust' ? 'dust speck' : n.type}`));
      if (r.defects.length === 0 && r.nuisances.length > 0) {
        nuisanceOnly += 1;
        expect(answer).toMatch(/^No, there is no anomaly on the .+; the .+ (?:was|were) ignored as instructed\.$/);
      }
    }
    expect(nuisanceOnly).toBeGreaterThan(3);
  });

  it('trains only on answers, and segment-wise tokenisation equals tokenising the whole dialog', () => {
    for (const r of rows) {
      for (const [text, trainable] of r.segments) if (trainable) expect(text.endsWith('</s>')).toBe(true);
      expect(r.segments_encode_as_whole).toBe(true);
    }
  });

  it('weighs the first answer (the recorded verdict) above follow-ups in the loss, and nothing else', () => {
    for (const r of rows) {
      expect(r.weights_follow_labels).toBe(true);
      const trainable = r.segments.map(([, t]) => t);
      const answerWeights = r.segment_weights.filter((_, i) => trainable[i]);
      expect(answerWeights[0]).toEqual([3]);
      for (const w of answerWeights.slice(1)) expect(w).toEqual([1]);
      for (const w of r.segment_weights.filter((_, i) => !trainable[i])) expect(w).toEqual([0]);
    }
  });
});
