import type { InspectionRecord } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';
import { verdictSources } from './verdict-sources';

/**
 * "expert FAIL · Myriad PASS · decided by review", only when the expert and Myriad differ. In a
 * table row (`compact`) it says just "Myriad PASS" so the verdict column stays narrow; the whole
 * sentence is the tooltip.
 */
export function VerdictSourcesNote({
  record,
  compact = false,
}: {
  record: Pick<InspectionRecord, 'expertVerdict' | 'modelVerdict' | 'decidedBy'>;
  compact?: boolean;
}) {
  const { t } = useT();
  const s = verdictSources(record);
  if (!s) return null;
  const sentence = t('verdict.sources', { expert: t(`verdict.${s.expert}`), model: t(`verdict.${s.model}`), decidedBy: t(`decidedBy.${s.decidedBy}`) });
  return (
    <span
      className="verdict-sources"
      data-testid="verdict-sources"
      data-expert-verdict={s.expert}
      data-model-verdict={s.model}
      data-decided-by={s.decidedBy}
      title={compact ? sentence : t('verdict.sourcesLabel')}
    >
      {compact ? t('verdict.sourcesShort', { model: t(`verdict.${s.model}`) }) : sentence}
    </span>
  );
}
