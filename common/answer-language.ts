import { z } from 'zod';
import raw from '../native-models/myriad-s/answer-language.json';

/**
 * The answer language: the words Myriad-S's corpus speaks (native-models/myriad-s/myriad_s/
 * answer_language.py reads the same file) and the station writes and reads back (the expert
 * narrator, Myriad-S's answer rules, the synthetic evaluation). One file, shipped with the model
 * next to its config.json; no side keeps a copy.
 */
const word = z.string().min(1);

export const AnswerLanguage = z.object({
  format_version: z.literal(1),
  /** The nine grid cells of common/grid.ts in the same order, with the noun and preposition an operator expects. */
  cells: z.array(z.object({ noun: word.startsWith('the '), preposition: word })).length(9),
  /** What opens the list of cells a region spreads into (without the space before the first cell). */
  spill_lead: word,
  /** Size classes by share of the image, smallest first; the last has no upper limit. */
  sizes: z
    .array(z.object({ below: z.number().positive().nullable(), word, severity: word }))
    .min(1)
    .refine((s) => s.every((c, i) => (c.below === null) === (i === s.length - 1)), 'only the last size class has no upper limit'),
  /** Defect types of the synthetic data: the corpus's noun, its plural where an instruction uses one, and the pattern that counts as naming the type. */
  defects: z.record(word, z.object({ noun: word, plural: word.optional(), named_by: word })),
  /** What else the corpus writes after "the" ("the others", "the image", "The largest"). */
  after_the: z.array(word),
});
export type AnswerLanguage = z.infer<typeof AnswerLanguage>;

export const ANSWER_LANGUAGE: AnswerLanguage = AnswerLanguage.parse(raw);

/** "the top left corner", ... in cell order. */
export const CELL_NOUNS: readonly string[] = ANSWER_LANGUAGE.cells.map((c) => c.noun);
export const CELL_PREPOSITIONS: readonly string[] = ANSWER_LANGUAGE.cells.map((c) => c.preposition);
export const SPILL_LEAD = ANSWER_LANGUAGE.spill_lead;
/** The corpus's noun for each defect type ("contamination" -> "contamination spot"). */
export const DEFECT_NOUNS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(ANSWER_LANGUAGE.defects).map(([type, d]) => [type, d.noun]),
);

/** Operator-facing size class of a region by its share of the image. */
export function sizeWord(areaFraction: number): string {
  const size = ANSWER_LANGUAGE.sizes.find((s) => s.below === null || areaFraction < s.below);
  return (size ?? (ANSWER_LANGUAGE.sizes[ANSWER_LANGUAGE.sizes.length - 1] as { word: string })).word;
}
