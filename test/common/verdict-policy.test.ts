import { describe, expect, it } from 'vitest';
import type { AnswerPolarity } from '../../common/answer-grammar';
import { MODEL_VERDICT_POLICIES, type Verdict } from '../../common/api';
import { decideVerdict, modelVerdictOf, recordedDecision } from '../../common/verdict-policy';

const VERDICTS: Verdict[] = ['pass', 'fail', 'review'];
const POLARITIES: AnswerPolarity[] = ['yes', 'no', 'unknown'];

/** The rule written out independently, case by case, for the exhaustive check below. */
function expected(expert: Verdict, polarity: AnswerPolarity, read: boolean, policy: string): [Verdict, string] {
  const disagrees = (expert === 'pass' && polarity === 'yes') || (expert === 'fail' && polarity === 'no');
  if (!disagrees) return [expert, 'expert'];
  if (read && policy === 'model') return [polarity === 'yes' ? 'fail' : 'pass', 'model'];
  return ['review', 'review'];
}

describe('decideVerdict', () => {
  it('matches the rule on every combination of expert verdict, polarity, features read and policy', () => {
    let cases = 0;
    for (const expert of VERDICTS)
      for (const polarity of POLARITIES)
        for (const read of [true, false])
          for (const policy of MODEL_VERDICT_POLICIES) {
            const [verdict, decidedBy] = expected(expert, polarity, read, policy);
            expect(decideVerdict(expert, polarity, read, policy), `${expert} ${polarity} ${read} ${policy}`).toEqual({ verdict, decidedBy });
            cases++;
          }
    expect(cases).toBe(36);
  });

  it('lets the model overrule in both directions only when it read features under the model policy', () => {
    expect(decideVerdict('fail', 'no', true, 'model')).toEqual({ verdict: 'pass', decidedBy: 'model' });
    expect(decideVerdict('pass', 'yes', true, 'model')).toEqual({ verdict: 'fail', decidedBy: 'model' });
    expect(decideVerdict('fail', 'no', true, 'review')).toEqual({ verdict: 'review', decidedBy: 'review' });
    expect(decideVerdict('fail', 'no', false, 'model')).toEqual({ verdict: 'review', decidedBy: 'review' });
    expect(decideVerdict('review', 'no', true, 'model')).toEqual({ verdict: 'review', decidedBy: 'expert' });
  });
});

describe('recordedDecision', () => {
  const answer = (text: string) => ({ role: 'assistant' as const, text });
  it("reads the model's verdict from the first answer and who decided from the disagreement flag", () => {
    expect(modelVerdictOf('unknown')).toBeNull();
    expect(recordedDecision('fail', [], [])).toEqual({ expertVerdict: 'fail', modelVerdict: null, decidedBy: 'expert' });
    expect(recordedDecision('fail', [answer('Yes, a dent.'), { role: 'operator', text: 'no?' }, answer('No idea.')], [])).toEqual({
      expertVerdict: 'fail',
      modelVerdict: 'fail',
      decidedBy: 'expert',
    });
    const sentToReview = [{ kind: 'answer-contradicts-verdict' as const, verdict: 'review' as const }];
    expect(recordedDecision('fail', [answer('No, nothing.')], sentToReview)).toEqual({ expertVerdict: 'fail', modelVerdict: 'pass', decidedBy: 'review' });
    const modelDecided = [{ kind: 'answer-contradicts-verdict' as const, verdict: 'pass' as const }];
    expect(recordedDecision('fail', [answer('No, nothing.')], modelDecided).decidedBy).toBe('model');
    // an interrupted answer is no disagreement
    expect(recordedDecision('pass', [answer('It')], [{ kind: 'answer-interrupted', verdict: 'pass' }])).toEqual({ expertVerdict: 'pass', modelVerdict: null, decidedBy: 'expert' });
  });
});
