import type { ShownError } from '../hooks/useErrors';
import { useT } from '../i18n/I18nProvider';

export function ErrorBanners({ errors, onDismiss }: { errors: ShownError[]; onDismiss: (key: number) => void }) {
  const { t } = useT();
  if (errors.length === 0) return null;
  return (
    <div className="errors" role="alert">
      {errors.map((e) => (
        <div key={e.key} className="error-banner" data-testid="error-banner" data-code={e.code}>
          <span className="error-title">{t(`error.${e.code}`)}</span>
          <span className="error-message">{e.message}</span>
          <button type="button" className="icon-button" aria-label={t('error.dismiss')} onClick={() => onDismiss(e.key)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
