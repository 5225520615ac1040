import { useEffect, useState, type FormEvent } from 'react';
import { MODEL_VERDICT_POLICIES, type ModelVerdictPolicy } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

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
  const [draft, setDraft] = useState(policy);
  const [busy, setBusy] = useState(false);
  const { t } = useT();
  useEffect(() => setDraft(policy), [policy]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      await onSave(draft);
    } finally {
      setBusy(false);
    }
  }

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
