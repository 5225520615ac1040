import { useEffect, useState, type FormEvent } from 'react';
import type { ThresholdBand } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

interface Props {
  band: ThresholdBand;
  canEdit: boolean;
  role: string;
  onSave: (band: ThresholdBand) => Promise<void>;
}

/** T1/T2 inputs; saving makes a new recipe version on the host. */
export function BandEditor({ band, canEdit, role, onSave }: Props) {
  const [t1, setT1] = useState(String(band.t1));
  const [t2, setT2] = useState(String(band.t2));
  const [busy, setBusy] = useState(false);
  const { t } = useT();
  useEffect(() => {
    setT1(String(band.t1));
    setT2(String(band.t2));
  }, [band.t1, band.t2]);
  const a = Number(t1);
  const b = Number(t2);
  const valid = t1 !== '' && t2 !== '' && Number.isFinite(a) && Number.isFinite(b) && a >= 0 && a <= b;
  const changed = a !== band.t1 || b !== band.t2;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      await onSave({ t1: a, t2: b });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="band-editor" onSubmit={submit} data-testid="band-editor">
      <label className="field inline">
        <span>{t('band.t1')}</span>
        <input data-testid="band-t1" type="number" step="0.01" min="0" value={t1} disabled={!canEdit} onChange={(e) => setT1(e.target.value)} />
      </label>
      <label className="field inline">
        <span>{t('band.t2')}</span>
        <input data-testid="band-t2" type="number" step="0.01" min="0" value={t2} disabled={!canEdit} onChange={(e) => setT2(e.target.value)} />
      </label>
      <button type="submit" data-testid="band-save" disabled={!canEdit || !valid || !changed || busy}>
        {t('band.save')}
      </button>
      {!canEdit && (
        <span className="muted" data-testid="band-locked">
          {t('band.locked', { role })}
        </span>
      )}
      {canEdit && !valid && <span className="login-error">{t('band.invalid')}</span>}
    </form>
  );
}
