import { ANSWER_LANGUAGE } from '../../common/answer-language';

/**
 * What an operator's follow-up asks, where the station's own facts answer it better than the dialog
 * model does: the regions of the map (where, how big, how many), the score against the band (why),
 * the instructions in force, and the type. `other` goes to the dialog model as asked.
 */
export type FollowUpIntent = 'instruction' | 'why' | 'count' | 'size' | 'location' | 'type' | 'other';

/** Lower case, contractions spelled out, punctuation and repeated spaces gone: "Why didn't it pass?!" -> "why did not it pass". */
export function normaliseQuestion(question: string): string {
  return question
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/n't\b/g, ' not')
    .replace(/'s\b/g, ' is')
    .replace(/'re\b/g, ' are')
    .replace(/[^a-z0-9%.\s-]+/g, ' ')
    .replace(/(^|\s)[.-]+|[.-]+(\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Every defect word the answer language knows (its nouns and the patterns that name each type), so
// "is it a scratch or a dent?" asks for the type with the same vocabulary the answers use.
const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const DEFECT_WORDS = Object.entries(ANSWER_LANGUAGE.defects)
  .flatMap(([type, d]) => [escape(type), escape(d.noun), d.named_by])
  .join('|');

// Order matters: "where is the scratch?" asks where, "how big is the dent?" and "how many mm?" ask how big, and "did my
// instruction change why it failed?" asks about the instruction; the type is tried last.
const RULES: ReadonlyArray<[RegExp, FollowUpIntent]> = [
  [/\binstructions?\b|\bprompts?\b|\bwhat i (said|asked|told|wrote)\b|\bmy (rule|note|request|setting)s?\b/, 'instruction'],
  [
    /\bwhy\b|\breason\b|\bhow come\b|\bwhat made (it|this|the part)\b|\b(cause|caused) (it|this|the part) to (fail|be rejected)\b|\bexplain (the )?(failure|verdict|rejection|result)\b|\bwhat (failed|was wrong)\b/,
    'why',
  ],
  [/\bhow (big|large|small|wide|long|much)\b|\bsize\b|\bsized\b|\bhow much area\b|\bextent\b|\bdimensions?\b|\bmillimet|\bmm\b/, 'size'],
  [/\bhow many\b|\bcount\b|\bnumber of\b|\bmore than one\b|\bany (others?|more)\b/, 'count'],
  [/\bwhere\b|\blocat|\bposition\b|\bwhich (part|side|cell|area|region|corner|half)\b|\bin which\b/, 'location'],
  [
    new RegExp(
      `\\b(what|which) (kind|type|sort|class)\\b|\\btype\\b|\\bkind of\\b|\\bwhat is (it|this|that|the (defect|anomaly|problem|fault))\\b|\\bwhat (defect|anomaly|fault|problem)\\b|\\bidentify\\b|\\bclassify\\b|\\b(${DEFECT_WORDS})`,
    ),
    'type',
  ],
];

/** The one thing a question asks first by the rules' order ("how big is the scratch?" -> size). */
export function classifyFollowUp(question: string): FollowUpIntent {
  const q = normaliseQuestion(question);
  for (const [pattern, intent] of RULES) if (pattern.test(q)) return intent;
  return 'other';
}

/**
 * Everything a question asks, in the order it asks it ("where is it and how big?" -> location,
 * size); the type only when nothing else is asked, since "how big is the scratch?" names a type
 * without asking for one. `['other']` when the facts settle none of it.
 */
export function followUpIntents(question: string): FollowUpIntent[] {
  const q = normaliseQuestion(question);
  const found = RULES.flatMap(([pattern, intent]) => {
    const at = q.search(pattern);
    return at < 0 ? [] : [{ intent, at }];
  });
  const facts = found.filter((f) => f.intent !== 'type');
  if (facts.length === 0) return found.length > 0 ? ['type'] : ['other'];
  return facts.sort((a, b) => a.at - b.at).map((f) => f.intent);
}
