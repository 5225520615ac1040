import { GRID_CELLS } from './grid';

/**
 * The answer grammar of docs/contracts.md §Answer grammar, shared by the evaluation, the LMM runtime and the UI.
 *
 * The reference code's parser was a case-sensitive substring test ("No" matched "Not") and dropped
 * unparseable answers; here the first word decides, and anything else is `unknown` (counted wrong).
 */
export type AnswerPolarity = 'yes' | 'no' | 'unknown';

export function parsePolarity(answer: string): AnswerPolarity {
  const m = /^\s*["'(]*\s*(yes|no)\b/i.exec(answer);
  if (!m || !m[1]) return 'unknown';
  return m[1].toLowerCase() === 'yes' ? 'yes' : 'no';
}

/**
 * The polarity of a streamed answer once further text cannot change it, else null: "No" may still
 * grow into "Nothing", so a Yes/No counts once a character follows it; an opening that can no
 * longer become "Yes" or "No" settles as unknown. Agrees with parsePolarity of every longer text.
 * `wordComplete`: the writer guarantees no letter follows the opening word (Myriad-S's opening
 * rule), so "Yes" or "No" settles as it stands.
 */
export function settledPolarity(prefix: string, wordComplete = false): AnswerPolarity | null {
  const rest = prefix.replace(/^\s*["'(]*\s*/, '');
  const polarity = parsePolarity(prefix);
  if (polarity !== 'unknown') return wordComplete || /^(yes|no)[^A-Za-z0-9_]/i.test(rest) ? polarity : null;
  if (rest.length === 0) return null;
  const lower = rest.toLowerCase();
  return 'yes'.startsWith(lower) || 'no'.startsWith(lower) ? null : 'unknown';
}

const SYNONYMS: ReadonlyArray<[RegExp, string]> = [
  [/\bupper\b/g, 'top'],
  [/\blower\b/g, 'bottom'],
  [/\b(?:middle|centre|central|centered|centred)\b/g, 'center'],
];

const CELL_PATTERN = /\b(top|bottom|center)(?:[\s-]+(left|right|center))?\b|\b(left|right)\b/g;

/**
 * Grid cells (indices 0..8 into GRID_CELLS, in order of first mention, no repeats) named in `text`.
 * "upper left" and "top-left" give 0; "middle" and "centre" give 4; "center left" gives 3.
 */
export function parseCells(text: string): number[] {
  let t = text.toLowerCase();
  for (const [re, to] of SYNONYMS) t = t.replace(re, to);
  const cells: number[] = [];
  for (const m of t.matchAll(CELL_PATTERN)) {
    const row = m[1];
    const side = m[2] ?? m[3];
    let cell: number;
    if (row === undefined) cell = side === 'left' ? 3 : 5;
    else {
      const r = row === 'top' ? 0 : row === 'center' ? 1 : 2;
      const c = side === 'left' ? 0 : side === 'right' ? 2 : 1;
      cell = r * 3 + c;
    }
    if (!cells.includes(cell)) cells.push(cell);
  }
  return cells;
}

export function cellName(index: number): string {
  const name = GRID_CELLS[index];
  if (name === undefined) throw new RangeError(`Grid cell index out of range: ${index}`);
  return name;
}
