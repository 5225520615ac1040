import { cellName } from '../../../common/answer-grammar';
import type { MapAnalysis, MapRegion } from './map-regions';
import { DECISION_THRESHOLD } from '../../../common/expert-scale';

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

export function countWord(n: number): string {
  return NUMBER_WORDS[n] ?? String(n);
}

/** Operator-facing size class of a region by its share of the image. */
export function sizeWord(areaFraction: number): string {
  if (areaFraction < 0.005) return 'tiny';
  if (areaFraction < 0.02) return 'small';
  if (areaFraction < 0.08) return 'medium-sized';
  if (areaFraction < 0.25) return 'large';
  return 'very large';
}

export function percent(fraction: number): string {
  const p = fraction * 100;
  if (p < 0.1) return 'less than 0.1%';
  return `${p < 10 ? p.toFixed(1) : Math.round(p)}%`;
}

// Cell words exactly as in the answer grammar, with the noun and preposition an operator expects.
// Myriad-S's corpus speaks the same words (native-models/myriad-s/myriad_s/corpus.py CELL_NOUNS).
export const CELL_NOUNS = [
  'the top left corner',
  'the top',
  'the top right corner',
  'the left side',
  'the center',
  'the right side',
  'the bottom left corner',
  'the bottom',
  'the bottom right corner',
] as const;
const CELL_PREPOSITIONS = ['in', 'at', 'in', 'on', 'in', 'on', 'in', 'at', 'in'];

/** "the top left corner", "the right side" */
export function cellNoun(cell: number): string {
  return CELL_NOUNS[cell] ?? cellName(cell);
}

/** "in the top left corner", "at the top", "on the right side" */
export function cellLocative(cell: number): string {
  return `${CELL_PREPOSITIONS[cell] ?? 'in'} ${cellNoun(cell)}`;
}

/** What opens the list of cells a region spreads into (corpus.py SPILL_LEAD, without its trailing space). */
export const SPILL_LEAD = ', extending into';

/** "in the top left corner, extending into the top" */
export function regionLocation(region: MapRegion): string {
  const spill = region.spillCells.map(cellNoun);
  return spill.length === 0 ? cellLocative(region.cell) : `${cellLocative(region.cell)}${SPILL_LEAD} ${joinAnd(spill)}`;
}

export function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Distinct centroid cells of the regions after the largest, in order of size. */
export function otherCells(analysis: MapAnalysis): string[] {
  const first = analysis.regions[0]?.cell;
  const cells: number[] = [];
  for (const r of analysis.regions.slice(1)) {
    if (r.cell !== first && !cells.includes(r.cell)) cells.push(r.cell);
  }
  return cells.map(cellLocative);
}

export function scorePhrase(score: number): string {
  const margin =
    score < DECISION_THRESHOLD ? 'below' : score < 0.75 ? 'slightly above' : score <= 1 ? 'clearly above' : 'far above';
  return `the expert's score is ${score.toFixed(2)}, ${margin} the decision threshold of ${DECISION_THRESHOLD}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function quote(text: string): string {
  return `"${text.replace(/\s+/g, ' ').trim()}"`;
}
