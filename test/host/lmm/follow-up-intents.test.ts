import { describe, expect, it } from 'vitest';
import { classifyFollowUp, followUpIntents, type FollowUpIntent } from '../../../host/lmm/follow-up-intents';

/** The operator's follow-ups, as typed (any case, with or without punctuation), and what each asks. */
const CASES: ReadonlyArray<[string, FollowUpIntent]> = [
  ['What type of defect is it?', 'type'],
  ['what type of defect is it', 'type'],
  ['WHAT KIND OF DEFECT IS THIS??', 'type'],
  ['Is it a scratch or a dent?', 'type'],
  ['is it a crack', 'type'],
  ['what is it?', 'type'],
  ['Which sort of fault is that', 'type'],
  ['Could this be contamination?', 'type'],
  ['Where is it?', 'location'],
  ['where exactly', 'location'],
  ['Where is the scratch?', 'location'],
  ['which side is it on', 'location'],
  ['In which corner?', 'location'],
  ['Can you locate the defect?', 'location'],
  ['How big is it?', 'size'],
  ['how big is the dent', 'size'],
  ['how large is the defect?', 'size'],
  ['What size is it', 'size'],
  ['how many mm is it', 'size'],
  ['How many defects are there?', 'count'],
  ['how many anomalies do you see', 'count'],
  ['Is there more than one?', 'count'],
  ['Why did it fail?', 'why'],
  ["why didn't it pass", 'why'],
  ['Why was the part rejected?', 'why'],
  ['What is the reason for the failure?', 'why'],
  ['how come it failed', 'why'],
  ['Explain the verdict.', 'why'],
  ['Did my instruction change anything?', 'instruction'],
  ['did the instruction change the verdict', 'instruction'],
  ['Was my instruction applied?', 'instruction'],
  ['Why did the instructions not change the result?', 'instruction'],
  ['Did you follow what I said?', 'instruction'],
  ['What colour is it?', 'other'],
  ['Is the part usable?', 'other'],
  ['thanks', 'other'],
  ['', 'other'],
];

describe('classifyFollowUp', () => {
  it.each(CASES)('%j asks for %s', (question, intent) => {
    expect(classifyFollowUp(question)).toBe(intent);
  });

  it('reads the same question the same way whatever the case, spacing and punctuation', () => {
    for (const q of ['how big is it', 'How big is it?', '  HOW   big is it !! ', 'How big is it...']) expect(classifyFollowUp(q)).toBe('size');
  });
});

describe('followUpIntents', () => {
  it.each<[string, FollowUpIntent[]]>([
    ['Where is the defect and how big is it?', ['location', 'size']],
    ['how big is it and where', ['size', 'location']],
    ['How big is the scratch?', ['size']],
    ['is it a scratch or a dent', ['type']],
    ['Why did it fail, and did my instruction change that?', ['why', 'instruction']],
    ['what colour is it', ['other']],
  ])('%j asks for %j, in that order', (question, intents) => {
    expect(followUpIntents(question)).toEqual(intents);
  });
});
