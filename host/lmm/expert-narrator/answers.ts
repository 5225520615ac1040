import type { DialogRequest } from '../dialog-model';
import type { Intent } from './intents';
import type { MapAnalysis, MapRegion } from './map-regions';
import { DECISION_THRESHOLD } from '../../../common/expert-scale';
import {
  capitalise,
  cellLocative,
  countWord,
  joinAnd,
  otherCells,
  percent,
  quote,
  regionLocation,
  scorePhrase,
  sizeWord,
} from './phrases';

/** Everything an answer is grounded in: the expert's verdict and the map's regions. */
export interface Grounding {
  product: string;
  score: number;
  analysis: MapAnalysis;
}

const MAX_DESCRIBED_REGIONS = 5;

function otherLabel(regionCount: number): string {
  return regionCount === 2 ? 'the other is' : 'the others are';
}

function isAnomalous(g: Grounding): boolean {
  return g.score >= DECISION_THRESHOLD;
}

/** The definite first answer: starts with "Yes" or "No" (docs/contracts.md §Answer grammar). */
export function definiteAnswer(g: Grounding): string {
  const { regions } = g.analysis;
  const on = `on the ${g.product}`;
  if (!isAnomalous(g)) return `No, there is no anomaly ${on}: ${scorePhrase(g.score)}.`;
  const largest = regions[0];
  if (largest === undefined) {
    return (
      `Yes, there is an anomaly ${on}: ${scorePhrase(g.score)}, although no single region of its map ` +
      `passes the threshold; its strongest response is ${cellLocative(g.analysis.peakCell)}.`
    );
  }
  if (regions.length === 1) {
    return (
      `Yes, there is an anomaly ${on}: one ${sizeWord(largest.areaFraction)} region ${regionLocation(largest)}, ` +
      `covering about ${percent(largest.areaFraction)} of the image.`
    );
  }
  const others = otherCells(g.analysis);
  const rest = others.length === 0 ? '; the others are close to it' : `; ${otherLabel(regions.length)} ${joinAnd(others)}`;
  return (
    `Yes, there are anomalies ${on}: ${countWord(regions.length)} regions. The largest is ` +
    `${sizeWord(largest.areaFraction)}, ${regionLocation(largest)}, covering about ` +
    `${percent(largest.areaFraction)} of the image${rest}.`
  );
}

/** The expert narrator cannot read free text, so it says once that it saw each instruction. */
export function instructionNote(req: DialogRequest): string | null {
  if (req.instructions.length === 0) return null;
  const alreadyNoted = req.history.some((t) => t.role === 'assistant' && t.text.includes('Noted instruction'));
  if (alreadyNoted) return null;
  const list = req.instructions.map(quote).join('; ');
  return req.instructions.length === 1
    ? `Noted instruction: ${list}; the expert narrator cannot apply it.`
    : `Noted instructions: ${list}; the expert narrator cannot apply them.`;
}

function nothingFound(g: Grounding, what: string): string {
  return `The expert's map has no region above the threshold on the ${g.product}, so there is nothing to ${what}.`;
}

function locationAnswer(g: Grounding): string {
  const [largest, ...rest] = g.analysis.regions;
  if (largest === undefined) {
    return isAnomalous(g)
      ? `No region passes the threshold; the expert's strongest response is ${cellLocative(g.analysis.peakCell)}.`
      : nothingFound(g, 'locate');
  }
  const where = regionLocation(largest);
  // Worded without cell words, so the answer grammar reads only the cells named on purpose.
  const at = `its centroid is at x = ${percent(largest.centroid.x)}, y = ${percent(largest.centroid.y)} of the image`;
  if (rest.length === 0) return `The anomaly is ${where}; ${at}.`;
  const others = otherCells(g.analysis);
  const tail = others.length > 0 ? ` ${capitalise(otherLabel(g.analysis.regions.length))} ${joinAnd(others)}.` : ' The others are close to it.';
  return `The largest anomaly is ${where}; ${at}.${tail}`;
}

function sizeAnswer(g: Grounding): string {
  const largest = g.analysis.regions[0];
  if (largest === undefined) return nothingFound(g, 'measure');
  const dims = `about ${percent(largest.extent.width)} of the image width by ${percent(largest.extent.height)} of its height`;
  const base = `The ${g.analysis.regions.length > 1 ? 'largest ' : ''}anomaly is ${sizeWord(largest.areaFraction)}: it covers about ${percent(largest.areaFraction)} of the image, ${dims}.`;
  return g.analysis.regions.length > 1
    ? `${base} All regions together cover about ${percent(g.analysis.coveredFraction)}.`
    : base;
}

function countAnswer(g: Grounding): string {
  const n = g.analysis.regions.length;
  if (n === 0) return `The expert's map shows no region above the threshold on the ${g.product}.`;
  return n === 1
    ? `The expert's map shows one anomalous region.`
    : `The expert's map shows ${countWord(n)} separate anomalous regions.`;
}

function shapeAnswer(g: Grounding): string {
  const largest = g.analysis.regions[0];
  if (largest === undefined) return nothingFound(g, 'describe');
  const shape = largest.shape === 'elongated' ? 'elongated, like a line' : largest.shape;
  return `In the expert's map the ${g.analysis.regions.length > 1 ? 'largest ' : ''}anomaly is ${shape}.`;
}

function regionSentence(r: MapRegion, i: number): string {
  return (
    `Region ${i + 1}: ${sizeWord(r.areaFraction)}, ${r.shape}, ${regionLocation(r)}, ` +
    `about ${percent(r.areaFraction)} of the image, peak strength ${r.peak.toFixed(2)}.`
  );
}

function describeAnswer(g: Grounding): string {
  const { regions } = g.analysis;
  if (regions.length === 0) return `${capitalise(scorePhrase(g.score))}; ${countAnswer(g).replace(/^The/, 'the')}`;
  const shown = regions.slice(0, MAX_DESCRIBED_REGIONS).map(regionSentence);
  const more = regions.length > MAX_DESCRIBED_REGIONS ? [`${regions.length - MAX_DESCRIBED_REGIONS} smaller regions are not listed.`] : [];
  return [countAnswer(g), ...shown, ...more, `${capitalise(scorePhrase(g.score))}.`].join(' ');
}

const CAPABILITIES = 'where the anomalies are, how big they are, how many there are, their shape and the score';

/** The answer to a follow-up question, grounded in the same analysis as the first answer. */
export function followUpAnswer(intent: Intent, g: Grounding): string {
  if (typeof intent === 'object') {
    return `I cannot tell ${intent.refuse} from the expert's anomaly map: it only shows where and how strongly the image differs from the golden samples.`;
  }
  switch (intent) {
    case 'count':
      return countAnswer(g);
    case 'size':
      return sizeAnswer(g);
    case 'location':
      return locationAnswer(g);
    case 'shape':
      return shapeAnswer(g);
    case 'describe':
      return describeAnswer(g);
    case 'score':
      return `${capitalise(scorePhrase(g.score))}.`;
    case 'verdict':
      return definiteAnswer(g);
    case 'unknown':
      return `I can only answer from the expert's anomaly map: ${CAPABILITIES}.`;
  }
}
