import { describe, expect, it } from 'vitest';
import { verdictSources } from '../../../renderer/src/components/verdict-sources';
import { createTranslator } from '../../../renderer/src/i18n/translate';

describe('verdictSources', () => {
  it('shows the expert, Myriad and who decided only when the two verdicts differ', () => {
    expect(verdictSources({ expertVerdict: 'fail', modelVerdict: 'pass', decidedBy: 'review' })).toEqual({ expert: 'fail', model: 'pass', decidedBy: 'review' });
    expect(verdictSources({ expertVerdict: 'pass', modelVerdict: 'fail', decidedBy: 'model' })).toEqual({ expert: 'pass', model: 'fail', decidedBy: 'model' });
    // a band REVIEW with the model saying "No" differs too: both are shown
    expect(verdictSources({ expertVerdict: 'review', modelVerdict: 'pass', decidedBy: 'expert' })).toEqual({ expert: 'review', model: 'pass', decidedBy: 'expert' });
    expect(verdictSources({ expertVerdict: 'fail', modelVerdict: 'fail', decidedBy: 'expert' })).toBeNull();
    expect(verdictSources({ expertVerdict: 'fail', modelVerdict: null, decidedBy: 'expert' })).toBeNull();
  });

  it('reads in English and German with each language\'s verdict words', () => {
    const params = (t: ReturnType<typeof createTranslator>['t']) => ({ expert: t('verdict.fail'), model: t('verdict.pass'), decidedBy: t('decidedBy.review') });
    const en = createTranslator('en').t;
    const de = createTranslator('de').t;
    expect(en('verdict.sources', params(en))).toBe('expert FAIL · Myriad PASS · decided by review');
    expect(de('verdict.sources', params(de))).toBe('Experte NIO · Myriad IO · entschieden durch Prüfung');
  });
});
