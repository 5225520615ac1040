import { useContext } from 'react';
import { useT } from '../i18n/I18nProvider';
import { LineStatusContext } from './useLineStatus';
import './line.css';

/** Each enabled line adapter's connection in the top bar; a link to the Line settings screen. */
export function LineIndicator() {
  const { status } = useContext(LineStatusContext);
  const { t } = useT();
  const enabled = status?.adapters.filter((a) => a.enabled) ?? [];
  if (enabled.length === 0) return null;
  return (
    <span className="line-indicator" data-testid="topbar-line">
      {enabled.map((a) => {
        const adapter = t(`line.adapter.${a.adapter}`);
        const state = t(`line.status.${a.status}`);
        return (
          <a
            key={a.adapter}
            className="line-indicator-adapter"
            href="#/line"
            data-testid={`topbar-line-${a.adapter}`}
            data-status={a.status}
            title={a.detail === null ? t('line.indicator.title', { adapter, status: state }) : t('line.indicator.titleDetail', { adapter, status: state, detail: a.detail })}
          >
            {t('line.indicator.text', { adapter, status: state })}
          </a>
        );
      })}
    </span>
  );
}
