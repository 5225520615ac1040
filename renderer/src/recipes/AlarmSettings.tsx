import { useEffect, useState, type FormEvent } from 'react';
import type { AlarmConfig } from '../../../common/api';

interface Props {
  alarm: AlarmConfig;
  canEdit: boolean;
  role: string;
  onSave: (alarm: AlarmConfig) => Promise<void>;
}

const OPTIONS: Array<{ key: keyof AlarmConfig; label: string }> = [
  { key: 'enabled', label: 'Alarm on FAIL (the screen flashes until acknowledged)' },
  { key: 'sound', label: 'With a tone' },
  { key: 'review', label: 'Also on REVIEW' },
];

/** What the station does when a part of this recipe fails; saving makes a new recipe version on the host. */
export function AlarmSettings({ alarm, canEdit, role, onSave }: Props) {
  const [draft, setDraft] = useState(alarm);
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(alarm), [alarm]);
  const changed = OPTIONS.some((o) => draft[o.key] !== alarm[o.key]);

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
          <span>{o.label}</span>
        </label>
      ))}
      <button type="submit" data-testid="alarm-save" disabled={!canEdit || !changed || busy}>
        Save as new version
      </button>
      {!canEdit && <span className="muted">Engineers change the alarm; your role is {role}.</span>}
    </form>
  );
}
