import type { ThresholdBand } from '../../common/api';
import { parsePolarity } from '../../common/answer-grammar';
import { ANSWER_LANGUAGE } from '../../common/answer-language';
import { DECISION_THRESHOLD } from '../../common/expert-scale';
import type { DialogModel, DialogReply, DialogRequest } from './dialog-model';
import { followUpAnswer, type Grounding } from './expert-narrator/answers';
import { analyseMap, type MapAnalysis } from './expert-narrator/map-regions';
import { capitalise, cellLocative, countWord, joinAnd, quote, regionLocation, scorePhrase } from './expert-narrator/phrases';
import { streamWords } from './expert-narrator/stream-words';
import { followUpIntents, type FollowUpIntent } from './follow-up-intents';

/** The name a turn answered from the station's facts is recorded under, in the dialog turn's model field. */
export const STATION_FACTS = { name: 'station-facts', version: '1' } as const;

/** What the station knows about an inspection that the dialog model does not see or does not answer reliably. */
export interface InspectionFacts {
  /** The recipe's band; null where there is none (the evaluation): the decision threshold alone decides. */
  band: ThresholdBand | null;
  /** Instructions the model was given, and those the budget left out. */
  applied: readonly string[];
  leftOut: readonly string[];
}

export interface FollowUpReply {
  reply: DialogReply;
  source: 'model' | 'station';
}

/** The first answer of the dialog (the model's "Yes, ..." / "No, ..."), null when none was recorded. */
function firstAnswerOf(req: DialogRequest): string | null {
  return req.history.find((t) => t.role === 'assistant')?.text ?? null;
}

function expertFails(score: number, band: ThresholdBand | null): boolean {
  return band === null ? score >= DECISION_THRESHOLD : score > band.t2;
}

function bandPhrase(band: ThresholdBand | null): string {
  if (band === null) return '';
  return `; the recipe passes a part below ${band.t1.toFixed(2)} and fails it above ${band.t2.toFixed(2)}`;
}

function whyAnswer(score: number, band: ThresholdBand | null, a: MapAnalysis): string {
  const verdict = band === null ? (expertFails(score, null) ? 'failed' : 'passed') : score < band.t1 ? 'passed' : score > band.t2 ? 'failed' : 'went to review';
  const largest = a.regions[0];
  const where =
    largest === undefined
      ? ''
      : ` The strongest evidence is ${a.regions.length === 1 ? 'one region' : `the largest of ${countWord(a.regions.length)} regions`} ${regionLocation(largest)}.`;
  return `It ${verdict} because ${scorePhrase(score)}${bandPhrase(band)}.${where}`;
}

function instructionAnswer(first: string | null, score: number, facts: InspectionFacts): string {
  const left = facts.leftOut.length === 0 ? '' : ` Left out for length and not applied: ${facts.leftOut.map(quote).join('; ')}.`;
  if (facts.applied.length === 0) return `No instruction was applied to this inspection, so none changed the verdict.${left}`;
  const list = facts.applied.length === 1 ? `The instruction in force is ${quote(facts.applied[0] as string)}` : `The instructions in force are ${joinAnd(facts.applied.map(quote))}`;
  // A quoted instruction that ends a sentence already closes it.
  const named = /[.!?]"$/.test(list) ? list : `${list}.`;
  const polarity = first === null ? 'unknown' : parsePolarity(first);
  if (polarity === 'unknown') return `${named} I am not sure whether it changed the verdict: there is no first answer to compare with the expert's.${left}`;
  const fails = expertFails(score, facts.band);
  const said = polarity === 'yes' ? 'a defect' : 'no defect';
  const effect =
    (polarity === 'yes') === fails
      ? `It did not change the verdict: the answer reports ${said}, and ${scorePhrase(score)}`
      : `It changed the verdict: the answer reports ${said}, although ${scorePhrase(score)}`;
  return `${named} ${effect}.${left}`;
}

/** The defect type a text names, in the answer language's noun ("missing piece"), or null. */
export function namedType(text: string): string | null {
  for (const d of Object.values(ANSWER_LANGUAGE.defects)) if (new RegExp(d.named_by, 'i').test(text)) return d.noun;
  return null;
}

/**
 * Why the type cannot be told, or null when the model's reading may be given: the first answer and
 * the map must agree that there is a defect, and the model must have read the image's features.
 */
function typeDoubt(first: string | null, a: MapAnalysis, score: number): string | null {
  const mapSays = a.regions.length > 0 || score >= DECISION_THRESHOLD;
  const polarity = first === null ? 'unknown' : parsePolarity(first);
  if (polarity === 'no' && mapSays) {
    return `the first answer found no defect, but the expert's map holds ${countWord(a.regions.length)} region${a.regions.length === 1 ? '' : 's'} above the threshold`;
  }
  if (polarity === 'yes' && !mapSays) return "the first answer reports a defect, but the expert's map holds no region above the threshold";
  if (polarity !== 'yes') return 'no defect was found to name';
  return null;
}

const notSure = (why: string) => `I am not sure what type it is: ${why}.`;

/** The type: the model's own reading when it read the image's features and names one, else why the station is not sure. */
async function typeAnswer(model: DialogModel, req: DialogRequest, signal: AbortSignal): Promise<{ model: DialogReply | null; text: string }> {
  const doubt = typeDoubt(firstAnswerOf(req), analyseMap(req.anomaly), req.anomaly.score);
  if (doubt !== null) return { model: null, text: notSure(doubt) };
  // Only an answer that read the image's features is the model's own reading; from the map alone
  // it can only guess (the map shows where the part differs, not what the defect is).
  const asked = await model.generate(req, () => undefined, signal);
  if (asked.readFeatures === true && namedType(asked.text) !== null) return { model: asked, text: asked.text };
  return {
    model: null,
    text: notSure(
      asked.readFeatures === true
        ? 'the model did not name one'
        : "the model answered from the expert's anomaly map alone, which shows where the part differs from its goldens, not what the defect is",
    ),
  };
}

/** One answer from the station's facts: where, how big, how many, why, the instructions. */
function factAnswer(intent: FollowUpIntent, req: DialogRequest, analysis: MapAnalysis, facts: InspectionFacts): string {
  const score = req.anomaly.score;
  if (intent === 'why') return whyAnswer(score, facts.band, analysis);
  if (intent === 'instruction') return instructionAnswer(firstAnswerOf(req), score, facts);
  if (intent !== 'location' && intent !== 'size' && intent !== 'count') throw new Error(`No fact answers ${intent}`);
  const grounding: Grounding = { product: req.product, score, analysis };
  const text = followUpAnswer(intent, grounding);
  if (intent === 'location' && analysis.regions.length === 0 && score < DECISION_THRESHOLD) {
    return `${text} The expert's strongest response is ${cellLocative(analysis.peakCell)}.`;
  }
  return text;
}

/**
 * Answers a follow-up as the station would: what the facts settle (where, how big, how many, why,
 * the instructions) from the facts in the answer language's words; the type from the model's own
 * reading of the image, or "I am not sure" where it has none or the map disagrees; anything else
 * from the model as asked. Streams through `onToken` either way.
 */
export async function answerFollowUp(
  model: DialogModel,
  req: DialogRequest,
  facts: InspectionFacts,
  onToken: (delta: string) => void,
  signal: AbortSignal,
): Promise<FollowUpReply> {
  const startedAt = performance.now();
  const intents: FollowUpIntent[] = req.question === null ? ['other'] : followUpIntents(req.question);
  if (intents[0] === 'other') return { reply: await model.generate(req, onToken, signal), source: 'model' };
  let text: string;
  if (intents[0] === 'type') {
    const typed = await typeAnswer(model, req, signal);
    if (typed.model !== null) {
      const stats = await streamWords(typed.model.text, onToken, signal, startedAt);
      return { reply: { ...typed.model, firstTokenMs: stats.firstTokenMs, totalMs: performance.now() - startedAt, tokens: stats.tokens }, source: 'model' };
    }
    text = typed.text;
  } else {
    const analysis = analyseMap(req.anomaly);
    text = intents.map((intent) => capitalise(factAnswer(intent, req, analysis, facts))).join(' ');
  }
  const stats = await streamWords(text, onToken, signal, startedAt);
  return { reply: { text, firstTokenMs: stats.firstTokenMs, totalMs: performance.now() - startedAt, tokens: stats.tokens }, source: 'station' };
}
