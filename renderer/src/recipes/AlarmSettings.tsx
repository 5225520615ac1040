import type { AlarmConfig } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';
import { useSettingDraft } from './use-setting-draft';

interface Props {
  alarm: AlarmConfig;
  canEdit: boolean;
  role: string;
  onSave: (alarm: AlarmConfig) => Promise<void>;
}

const OPTIONS: Array<{ key: keyof AlarmConfig; label: `alarm.setting.${keyof AlarmConfig}` }> = [
  { key: 'enabled', label: 'alarm.setting.enabled' },
  { key: 'sound', label: 'alarm.setting.sound' },
  { key: 'review', label: 'alarm.setting.review' },
];

/** What the station does when a part of this recipe fails; saving makes a new recipe version on the host. */
export function AlarmSettings({ alarm, canEdit, role, onSave }: Props) {
  const { draft, setDraft, busy, submit } = useSettingDraft(alarm, onSave);
  const { t } = useT();
  const changed = OPTIONS.some((o) => draft[o.key] !== alarm[o.key]);

  return (
    <form className="alarm-settings" onSubmit={submit} data-testid="alarm-settings">
      {OPTIONS.map((o) => (
        <label key={o.key} className="field inline">
          <input
            type="checkbox"
            data-testid={`alarm-${o.key}`}
            checked={draft[o.key]}
            disabled={!canEdit || (o.key !== 'enabled' && !draft.enabled)}
            onChange={(e) => setDraft({ ...draft, [o.key]: e.target.checked })}
          />
          <span>{t(o.label)}</span>
        </label>
      ))}
      <button type="submit" data-testid="alarm-save" disabled={!canEdit || !changed || busy}>
        {t('band.save')}
      </button>
      {!canEdit && <span className="muted">{t('alarm.locked', { role })}</span>}
    </form>
  );
}
