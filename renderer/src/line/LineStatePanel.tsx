import type { LineStatus } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

/** The line's live state: every adapter's connection and counters, the station's state towards the line. Everyone may read it. */
export function LineStatePanel({ status }: { status: LineStatus | null }) {
  const { t, num, dateTime } = useT();
  return (
    <section className="panel line-state" data-testid="line-state" data-station-state={status?.state ?? 'unknown'}>
      <div className="panel-head">
        <h2>{t('line.state.heading')}</h2>
        {status && <span className="line-station-state" data-state={status.state}>{t(`line.station.${status.state}`)}</span>}
      </div>
      {status === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <>
          {status.settingsError !== null && (
            <p className="line-warning" role="alert" data-testid="line-settings-damaged">
              {status.settingsError}
            </p>
          )}
          <table className="line-table">
            <thead>
              <tr>
                <th>{t('line.state.adapter')}</th>
                <th>{t('line.state.connection')}</th>
                <th>{t('line.state.sent')}</th>
                <th>{t('line.state.queued')}</th>
                <th>{t('line.state.failed')}</th>
              </tr>
            </thead>
            <tbody>
              {status.adapters.map((a) => (
                <tr key={a.adapter} data-testid={`line-state-${a.adapter}`} data-status={a.status} data-enabled={a.enabled ? 'yes' : 'no'}>
                  <td>{t(`line.adapter.${a.adapter}`)}</td>
                  <td>
                    <span className="line-connection" data-status={a.status} title={dateTime(a.since)}>
                      {t(`line.status.${a.status}`)}
                    </span>
                    {a.detail !== null && <span className="muted line-detail">{a.detail}</span>}
                  </td>
                  <td data-testid={`line-sent-${a.adapter}`}>{num(a.sent)}</td>
                  <td data-testid={`line-queued-${a.adapter}`}>{num(a.queued)}</td>
                  <td data-testid={`line-failed-${a.adapter}`}>{num(a.failed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl className="facts">
            <dt>{t('line.state.queueDepth')}</dt>
            <dd data-testid="line-queue-depth">{num(status.queueDepth)}</dd>
            <dt>{t('line.state.activeRecipe')}</dt>
            <dd>{status.activeRecipe ? t('common.recipeVersion', { recipe: status.activeRecipe.name, version: status.activeRecipe.version }) : t('common.none')}</dd>
            <dt>{t('line.state.cameraSource')}</dt>
            <dd data-testid="line-next-camera-source">{status.cameraSource ?? t('common.none')}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
