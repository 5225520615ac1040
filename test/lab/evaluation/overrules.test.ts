import { describe, expect, it } from 'vitest';
import { noOverrules, sumOverrules, tallyOverrule } from '../../../lab/evaluation/overrules';
import { DECISION_THRESHOLD } from '../../../common/expert-scale';

const T = DECISION_THRESHOLD;

describe('lmm_overrules', () => {
  it('counts an answer against the expert decision by direction, right when its polarity is the truth', () => {
    const o = noOverrules();
    tallyOverrule(o, 'No, the part looks normal.', 0.8, false, T); // expert FAIL on a good part, model right
    tallyOverrule(o, 'No, the part looks normal.', 0.8, true, T); // expert FAIL on a defect, model wrong
    tallyOverrule(o, 'Yes, there is a scratch.', 0.2, true, T); // expert PASS on a defect, model right
    tallyOverrule(o, 'Yes, there is a scratch.', 0.2, false, T); // expert PASS on a good part, model wrong
    tallyOverrule(o, 'Yes, there is a scratch.', 0.2, false, T);
    expect(o).toEqual({ fail_to_pass: { right: 1, wrong: 1 }, pass_to_fail: { right: 1, wrong: 2 } });
  });

  it('leaves out answers that agree with the expert or state no polarity, and decides at the threshold as the expert does', () => {
    const o = noOverrules();
    tallyOverrule(o, 'Yes, a dent.', 0.9, false, T);
    tallyOverrule(o, 'No.', 0.1, true, T);
    tallyOverrule(o, 'It is a minor defect.', 0.9, false, T);
    tallyOverrule(o, 'Yes, a dent.', T, true, T); // a score at the threshold is a FAIL: "Yes" agrees
    expect(o).toEqual(noOverrules());
    tallyOverrule(o, 'No.', T, false, T);
    expect(o.fail_to_pass).toEqual({ right: 1, wrong: 0 });
  });

  it('adds up the runs', () => {
    const a = { fail_to_pass: { right: 1, wrong: 2 }, pass_to_fail: { right: 3, wrong: 4 } };
    expect(sumOverrules([a, a])).toEqual({ fail_to_pass: { right: 2, wrong: 4 }, pass_to_fail: { right: 6, wrong: 8 } });
    expect(sumOverrules([])).toEqual(noOverrules());
  });
});
