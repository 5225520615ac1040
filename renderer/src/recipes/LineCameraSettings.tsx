import { isLineCameraSource } from '../../../common/camera-spec';
import { useT } from '../i18n/I18nProvider';
import { useSettingDraft } from './use-setting-draft';

interface Props {
  /** The newest version's source; null: the line settings' source. */
  source: string | null;
  canEdit: boolean;
  role: string;
  onSave: (source: string | null) => Promise<void>;
}

/**
 * Where this recipe's line triggers capture from; saving makes a new recipe version on the host,
 * which also checks a folder or file against the allowed camera folders. Empty: the line settings'
 * source.
 */
export function LineCameraSettings({ source, canEdit, role, onSave }: Props) {
  const { draft, setDraft, busy, submit } = useSettingDraft(source ?? '', (text) => onSave(text.trim() === '' ? null : text.trim()));
  const { t } = useT();
  const typed = draft.trim();
  const valid = typed === '' || isLineCameraSource(typed);

  return (
    <form className="recipe-line-camera-settings" onSubmit={submit} data-testid="recipe-line-camera-settings">
      <label className="field">
        <span>{t('lineCamera.source')}</span>
        <input
          type="text"
          data-testid="recipe-line-camera-source"
          value={draft}
          placeholder={t('lineCamera.placeholder')}
          disabled={!canEdit}
          aria-invalid={!valid}
          onChange={(e) => setDraft(e.target.value)}
        />
      </label>
      <span className="muted">{valid ? t('lineCamera.hint') : t('lineCamera.invalid')}</span>
      <button type="submit" data-testid="recipe-line-camera-save" disabled={!canEdit || !valid || typed === (source ?? '') || busy}>
        {t('band.save')}
      </button>
      {!canEdit && <span className="muted">{t('lineCamera.locked', { role })}</span>}
    </form>
  );
}
