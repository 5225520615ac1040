/**
 * Distinct spill cells: "at the top, extending into the top right corner and the top right corner"
 * names a cell twice. The corpus never does (native-models/myriad-s/myriad_s/corpus.py _spill: the
 * other cells, each once), yet a trained model repeats its first spill cell in about 7 % of the
 * spill lists it writes on held-out images without this rule (54 of 826). Masking the repeat would
 * make the model name a cell it did not choose; the rule instead looks ahead before the answer
 * writes a spill list's " and" and ends the list there when the cell after it would be a repeat
 * (distinctSpillCells, composed by generator.ts).
 */
import { CELL_NOUNS, SPILL_LEAD } from '../../../common/answer-language';
import type { LogitsProcessor } from './logits-processor';

/** Longest first, so "the top right corner" is not read as "the top". */
const CELL_ALTERNATIVES = [...CELL_NOUNS].sort((a, b) => b.length - a.length).join('|');

/** The region's own cell, at the end of the text before the spill list: "at the bottom[ of the bottle]". */
const CENTROID = new RegExp(`\\b(?:in|at|on) (${CELL_ALTERNATIVES})(?: of the [^,;.]*)?$`);

const CELL_AT_START = new RegExp(`^ (${CELL_ALTERNATIVES})(?![\\p{L}])`, 'u');

/**
 * The spill list `text` ends in, if any: the region's cells named before it (its centroid first)
 * and the slots written since the lead, split at " and"; null when the text is not inside one.
 */
function openSpillList(text: string): { named: string[]; slots: string[] } | null {
  const at = text.lastIndexOf(SPILL_LEAD);
  if (at < 0) return null;
  const tail = text.slice(at + SPILL_LEAD.length);
  if (/[,;.]/.test(tail.replace(/[,;.]$/, ''))) return null;
  const centroid = CENTROID.exec(text.slice(0, at));
  return { named: centroid ? [centroid[1] as string] : [], slots: tail.split(' and') };
}

/**
 * Where `text` stands in a spill list: 'open' while its last slot may still become another cell
 * (" the top" may yet be "the top left corner"), 'repeat' once a slot has named a cell the region
 * already named, 'fine' otherwise (no spill list, or one whose cells are all distinct so far).
 */
export function spillStatus(text: string): 'open' | 'repeat' | 'fine' {
  const list = openSpillList(text);
  if (list === null) return 'fine';
  const named = [...list.named];
  for (const [i, slot] of list.slots.entries()) {
    // The last slot is open while it is the start of a cell, or a whole one nothing has followed yet.
    if (i === list.slots.length - 1 && CELL_NOUNS.some((c) => ` ${c}`.startsWith(slot))) return 'open';
    const cell = CELL_AT_START.exec(slot)?.[1];
    if (cell === undefined) return 'fine';
    if (named.includes(cell)) return 'repeat';
    named.push(cell);
  }
  return 'fine';
}

/**
 * Whether going from `before` to `after` (one more token) opened a further slot of a spill list (its
 * " and", whatever else the token holds): the point where the generator looks ahead for a repeat.
 */
export function opensFurtherSpillSlot(before: string, after: string): boolean {
  const next = openSpillList(after);
  if (next === null || next.slots.length < 2) return false;
  const now = openSpillList(before);
  return now === null || now.slots.length < next.slots.length;
}

/** Tokens a look-ahead may take to settle a spill cell: the longest, " the bottom right corner", is 4 here. */
const LOOKAHEAD_TOKENS = 8;

/**
 * A region's spill list names each cell once: a token that opens a further slot of the list (its
 * " and") is rejected when greedy decoding from it would name a cell already named, so the list ends
 * there instead.
 */
export function distinctSpillCells(): LogitsProcessor {
  return {
    async rejects(step, next) {
      if (!step.text.includes(SPILL_LEAD)) return false;
      const ids = [...step.ids, next];
      if (!opensFurtherSpillSlot(step.text, step.decode(ids).trimStart())) return false;
      const ahead = await step.lookAhead(ids, (text) => spillStatus(text) !== 'open', LOOKAHEAD_TOKENS);
      return spillStatus(ahead) === 'repeat';
    },
  };
}
