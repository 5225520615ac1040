/** What a follow-up question asks for, as far as an anomaly map can answer it. */
export type Intent =
  | 'count'
  | 'size'
  | 'location'
  | 'shape'
  | 'describe'
  | 'score'
  | 'verdict'
  | { refuse: string }
  | 'unknown';

// Order matters: "where is the scratch?" asks for a location, not a type, so the answerable
// intents are tried before the refusals.
const RULES: ReadonlyArray<[RegExp, Intent]> = [
  [/\bhow many\b|\bcount\b|\bnumber of\b/, 'count'],
  [/\bhow (big|large|small|wide|long)\b|\bsize\b|\barea\b|\bextent\b|\bdimensions?\b/, 'size'],
  [/\bwhere\b|\blocat|\bposition\b|\bwhich (part|side|cell|area|region)\b|\bplace\b/, 'location'],
  [/\bshape\b|\bform\b|\blook like\b|\bround\b|\belongated\b/, 'shape'],
  [/\bdescribe\b|\bdetails?\b|\btell me (more|about)\b|\bexplain\b|\bsummar|\bwhat (do|did) you see\b|\ball defects\b/, 'describe'],
  [/\bcolou?r\b/, { refuse: 'the colour of an anomaly' }],
  [/\bmaterial\b|\bmade of\b/, { refuse: 'the material' }],
  [/\bcause[sd]?\b|\bwhy\b|\breason\b|\bhow did\b/, { refuse: 'the cause of an anomaly' }],
  [
    /\b(what|which) (kind|type|sort)\b|\btype\b|\bkind of\b|\bscratch|\bcrack|\bdent|\bhole|\bstain|\bcontaminat|\bdust\b|\bshadow|\breflection/,
    { refuse: 'the type of a defect' },
  ],
  [/\bscore\b|\bconfiden|\bsure\b|\bcertain|\bsever|\bserious\b|\bhow bad\b|\bprobab/, 'score'],
  [/\b(is|are) (there|it|this)\b|\banomal|\bdefect|\bfault|\bok\b|\bgood\b|\bpass\b|\bfail\b/, 'verdict'],
];

export function classifyQuestion(question: string): Intent {
  const q = question.toLowerCase();
  for (const [pattern, intent] of RULES) if (pattern.test(q)) return intent;
  return 'unknown';
}
