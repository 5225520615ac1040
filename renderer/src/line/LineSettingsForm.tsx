import { useEffect, useState, type FormEvent } from 'react';
import type { LineSettingsView } from '../../../common/api';
import type { LineSettingsPatch } from '../../../common/line-settings';
import { useT } from '../i18n/I18nProvider';
import { toStationError } from '../transport/wire';
import { draftFromView, isEmptyPatch, patchFromDraft, type LineDraft } from './line-settings-draft';
import { ModbusSection } from './ModbusSection';
import { MqttSection } from './MqttSection';
import { OpcuaSection } from './OpcuaSection';

interface Props {
  saved: LineSettingsView;
  canEdit: boolean;
  /** Sends the patch; resolves with the keys the host changed, rejects with its validation error. */
  onSave: (patch: LineSettingsPatch) => Promise<string[]>;
}

type Outcome = { kind: 'saved'; changed: string[] } | { kind: 'unchanged' } | { kind: 'error'; message: string } | null;

/** The line settings as the host keeps them (secrets only as set / not set); a save sends only what changed. */
export function LineSettingsForm({ saved, canEdit, onSave }: Props) {
  const { t } = useT();
  const [draft, setDraft] = useState<LineDraft>(() => draftFromView(saved));
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  // A saved view from the host replaces the draft: pending secrets are gone once they are stored.
  useEffect(() => setDraft(draftFromView(saved)), [saved]);
  const patch = patchFromDraft(saved, draft);
  const disabled = !canEdit || busy;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (isEmptyPatch(patch)) return setOutcome({ kind: 'unchanged' });
    setBusy(true);
    try {
      setOutcome({ kind: 'saved', changed: await onSave(patch) });
    } catch (err) {
      setOutcome({ kind: 'error', message: toStationError(err).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="line-settings" data-testid="line-settings" data-editable={canEdit ? 'yes' : 'no'} onSubmit={submit}>
      <MqttSection mqtt={draft.mqtt} passwordStored={saved.mqtt.password.set} onChange={(mqtt) => setDraft({ ...draft, mqtt })} disabled={disabled} />
      <OpcuaSection opcua={draft.opcua} onChange={(opcua) => setDraft({ ...draft, opcua })} disabled={disabled} />
      <ModbusSection modbus={draft.modbus} onChange={(modbus) => setDraft({ ...draft, modbus })} disabled={disabled} />
      <fieldset className="line-section" data-testid="line-general" disabled={disabled}>
        <legend>{t('line.general')}</legend>
        <label className="field">
          <span>{t('line.triggerQueue')}</span>
          <input type="number" data-testid="line-trigger-queue" value={draft.triggerQueue} onChange={(e) => setDraft({ ...draft, triggerQueue: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('line.cameraSource')}</span>
          <input data-testid="line-camera-source" value={draft.cameraSource} onChange={(e) => setDraft({ ...draft, cameraSource: e.target.value })} />
        </label>
      </fieldset>
      <div className="line-save-row">
        {canEdit && (
          <>
            <button type="submit" data-testid="line-save" disabled={busy || isEmptyPatch(patch)}>
              {busy ? t('line.saving') : t('line.save')}
            </button>
            <button type="button" className="secondary" data-testid="line-revert" disabled={busy || isEmptyPatch(patch)} onClick={() => setDraft(draftFromView(saved))}>
              {t('line.revert')}
            </button>
          </>
        )}
        <SaveOutcome outcome={outcome} />
      </div>
    </form>
  );
}

function SaveOutcome({ outcome }: { outcome: Outcome }) {
  const { t } = useT();
  if (outcome === null) return null;
  if (outcome.kind === 'error') {
    return (
      <span className="line-save-error" role="alert" data-testid="line-save-error">
        {outcome.message}
      </span>
    );
  }
  return (
    <span className="muted" data-testid="line-saved">
      {outcome.kind === 'unchanged' || outcome.changed.length === 0 ? t('line.unchanged') : t('line.saved', { keys: outcome.changed.join(', ') })}
    </span>
  );
}
