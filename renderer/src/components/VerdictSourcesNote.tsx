import type { InspectionRecord } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';
import { verdictSources } from './verdict-sources';

/** "expert FAIL · Myriad PASS · decided by review", only when the expert and Myriad differ. */
export function VerdictSourcesNote({ record }: { record: Pick<InspectionRecord, 'expertVerdict' | 'modelVerdict' | 'decidedBy'> }) {
  const { t } = useT();
  const s = verdictSources(record);
  if (!s) return null;
  return (
    <span
      className="verdict-sources"
      data-testid="verdict-sources"
      data-expert-verdict={s.expert}
      data-model-verdict={s.model}
      data-decided-by={s.decidedBy}
      title={t('verdict.sourcesLabel')}
    >
      {t('verdict.sources', { expert: t(`verdict.${s.expert}`), model: t(`verdict.${s.model}`), decidedBy: t(`decidedBy.${s.decidedBy}`) })}
    </span>
  );
}
