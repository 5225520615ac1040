import { cellName } from '../../../common/answer-grammar';
import { CELL_NOUNS, CELL_PREPOSITIONS, SPILL_LEAD, sizeWord } from '../../../common/answer-language';
import type { MapAnalysis, MapRegion } from './map-regions';
import { DECISION_THRESHOLD } from '../../../common/expert-scale';

// Cell, size and spill words are the answer language Myriad-S's corpus speaks too (common/answer-language.ts).
export { sizeWord };

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

export function countWord(n: number): string {
  return NUMBER_WORDS[n] ?? String(n);
}

export function percent(fraction: number): string {
  const p = fraction * 100;
  if (p < 0.1) return 'less than 0.1%';
  return `${p < 10 ? p.toFixed(1) : Math.round(p)}%`;
}

/** "the top left corner", "the right side" */
export function cellNoun(cell: number): string {
  return CELL_NOUNS[cell] ?? cellName(cell);
}

/** "in the top left corner", "at the top", "on the right side" */
export function cellLocative(cell: number): string {
  return `${CELL_PREPOSITIONS[cell] ?? 'in'} ${cellNoun(cell)}`;
}

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
