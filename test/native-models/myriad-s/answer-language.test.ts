import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSWER_LANGUAGE, AnswerLanguage, CELL_NOUNS, CELL_PREPOSITIONS, DEFECT_NOUNS, SPILL_LEAD, sizeWord } from '../../../common/answer-language';
import { GRID_CELLS } from '../../../common/grid';
import { PYTHON } from '../../support/python';

/**
 * One answer language (native-models/myriad-s/answer-language.json): the corpus's Python and the
 * station's TypeScript read the same file and keep no copy of their own.
 */
const MODEL_DIR = resolve(__dirname, '../../../native-models/myriad-s');

function pythonView(): Record<string, unknown> {
  const run = spawnSync(PYTHON, ['-c', 'import json; from myriad_s.answer_language import dump; print(json.dumps(dump()))'], { cwd: MODEL_DIR, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('the answer language', () => {
  it('is what the corpus (corpus.py, ground_truth.py) and the station read alike', () => {
    const py = pythonView();
    expect(py.CELL_NOUNS).toEqual(CELL_NOUNS);
    expect(py.CELL_PREPOSITIONS).toEqual(CELL_PREPOSITIONS);
    expect(py.SPILL_LEAD).toBe(SPILL_LEAD);
    expect(py.NOUNS).toEqual(DEFECT_NOUNS);
    expect(py.PLURALS).toEqual(Object.fromEntries(Object.entries(ANSWER_LANGUAGE.defects).flatMap(([t, d]) => (d.plural ? [[t, d.plural]] : []))));
    expect(py.SEVERITY).toEqual(Object.fromEntries(ANSWER_LANGUAGE.sizes.map((s) => [s.word, s.severity])));
    expect(py.SIZE_CLASSES).toEqual(ANSWER_LANGUAGE.sizes.map((s) => [s.below, s.word]));
  });

  it('names the grid cells of the answer grammar in its order, and size words by the same limits', () => {
    CELL_NOUNS.forEach((noun, i) => expect(noun.replace(/^the /, '').replace(/ (corner|side)$/, '')).toBe(GRID_CELLS[i]));
    expect([0.001, 0.005, 0.019, 0.02, 0.079, 0.08, 0.2499, 0.25, 0.9].map(sizeWord)).toEqual(
      ['tiny', 'small', 'small', 'medium-sized', 'medium-sized', 'large', 'large', 'very large', 'very large'],
    );
  });

  it('is refused when a cell is missing or a size class other than the last has no limit', () => {
    const json = JSON.parse(readFileSync(join(MODEL_DIR, 'answer-language.json'), 'utf8')) as AnswerLanguage;
    expect(AnswerLanguage.safeParse({ ...json, cells: json.cells.slice(1) }).success).toBe(false);
    expect(AnswerLanguage.safeParse({ ...json, sizes: [{ below: null, word: 'any', severity: 'minor' }, ...json.sizes] }).success).toBe(false);
    expect(AnswerLanguage.safeParse(json).success).toBe(true);
  });
});
