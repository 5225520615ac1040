import { throwIfCancelled } from '../cancellation';
import type { DialogModel, DialogReply, DialogRequest } from '../dialog-model';
import { definiteAnswer, followUpAnswer, instructionNote, type Grounding } from './answers';
import { classifyQuestion } from './intents';
import { analyseMap } from './map-regions';
import { streamWords } from './stream-words';

/**
 * The dialog model used when no Myriad-S export is installed: a deterministic describer of the
 * expert's anomaly map. Every statement it makes (verdict, 3x3 location, size, count, shape, score)
 * is computed from the map and score, so it is always grounded; anything a map cannot tell
 * (colour, type, cause) gets a short refusal instead of a guess.
 */
export class ExpertNarrator implements DialogModel {
  readonly name = 'expert-narrator';
  readonly version = '1';

  async generate(req: DialogRequest, onToken: (delta: string) => void, signal: AbortSignal): Promise<DialogReply> {
    const startedAt = performance.now();
    throwIfCancelled(signal);
    const grounding: Grounding = { product: req.product, score: req.anomaly.score, analysis: analyseMap(req.anomaly) };
    const answer =
      req.question === null ? definiteAnswer(grounding) : followUpAnswer(classifyQuestion(req.question), grounding);
    const note = instructionNote(req);
    const text = note === null ? answer : `${answer} ${note}`;
    const stats = await streamWords(text, onToken, signal, startedAt);
    return { text, firstTokenMs: stats.firstTokenMs, totalMs: performance.now() - startedAt, tokens: stats.tokens };
  }
}
