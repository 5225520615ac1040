import { MODEL_VERDICT_POLICIES, type ModelVerdictPolicy } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';
import { useSettingDraft } from './use-setting-draft';

interface Props {
  policy: ModelVerdictPolicy;
  canEdit: boolean;
  role: string;
  onSave: (policy: ModelVerdictPolicy) => Promise<void>;
}

/**
 * Who decides when Myriad's first answer disagrees with the expert's verdict; saving makes a new
 * recipe version on the host. Everyone sees it: it says why a part went to REVIEW or not.
 */
export function VerdictPolicySettings({ policy, canEdit, role, onSave }: Props) {
  const { draft, setDraft, busy, submit } = useSettingDraft(policy, onSave);
  const { t } = useT();

  return (
    <form className="verdict-policy-settings" onSubmit={submit} data-testid="verdict-policy-settings" data-policy={policy}>
      {MODEL_VERDICT_POLICIES.map((p) => (
        <label key={p} className="field inline">
          <input
            type="radio"
            name="verdict-policy"
            data-testid={`verdict-policy-${p}`}
            checked={draft === p}
            disabled={!canEdit}
            onChange={() => setDraft(p)}
          />
          <span>{t(`verdictPolicy.${p}`)}</span>
        </label>
      ))}
      <span className="muted">{t('verdictPolicy.withoutFeatures')}</span>
      <button type="submit" data-testid="verdict-policy-save" disabled={!canEdit || draft === policy || busy}>
        {t('band.save')}
      </button>
      {!canEdit && <span className="muted">{t('verdictPolicy.locked', { role })}</span>}
    </form>
  );
}
