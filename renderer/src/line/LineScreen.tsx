import { useCallback, useContext, useEffect, useState } from 'react';
import type { LineSettingsView, StationClient, WhoAmI } from '../../../common/api';
import type { LineSettingsPatch } from '../../../common/line-settings';
import { ErrorBanners } from '../components/ErrorBanners';
import { ScreenHeader } from '../components/ScreenHeader';
import { useErrors } from '../hooks/useErrors';
import { useT } from '../i18n/I18nProvider';
import { ENGINEERING } from '../login/roles';
import type { ConnectionState } from '../transport/ws-client';
import { LineActions } from './LineActions';
import { LineSettingsForm } from './LineSettingsForm';
import { LineStatePanel } from './LineStatePanel';
import { LineStatusContext } from './useLineStatus';
import './line.css';

interface Props {
  client: StationClient;
  connection: ConnectionState;
  who: WhoAmI | null;
}

/**
 * Line settings: how the station reaches the line (MQTT, OPC UA, Modbus), live per adapter.
 * Everyone reads the state; the settings themselves (endpoints, users, the register map) are read
 * and changed by engineers and admins, as the host's role table allows.
 */
export function LineScreen({ client, connection, who }: Props) {
  const { t } = useT();
  const { errors, report, dismiss } = useErrors();
  const { status, refresh } = useContext(LineStatusContext);
  const [settings, setSettings] = useState<LineSettingsView | null>(null);
  const role = who?.role ?? 'operator';
  const canEdit = ENGINEERING.has(role);

  useEffect(() => {
    if (connection !== 'open') return;
    // line.state carries the counters too (at most every 250 ms), so no poll: read once on open.
    refresh();
  }, [connection, refresh]);
  useEffect(() => {
    setSettings(null);
    if (connection !== 'open' || !canEdit) return;
    client.call('line.settings', {}).then(setSettings, report);
  }, [client, connection, canEdit, report, who?.user]);

  const save = useCallback(
    async (patch: LineSettingsPatch) => {
      const r = await client.call('line.setSettings', { settings: patch });
      setSettings(r.settings);
      return r.changed;
    },
    [client],
  );

  return (
    <div className="app">
      <ScreenHeader current="line" connection={connection} />
      <ErrorBanners errors={errors} onDismiss={dismiss} />
      <main className="line-screen" data-testid="line-screen" data-editable={canEdit ? 'yes' : 'no'}>
        <div className="line-col">
          <LineStatePanel status={status} />
          {canEdit && <LineActions client={client} />}
          {!canEdit && (
            <p className="muted" data-testid="line-locked">
              {t('line.locked', { role: t(`role.${role}`) })}
            </p>
          )}
        </div>
        <div className="line-col line-col-wide">{canEdit && settings && <LineSettingsForm saved={settings} canEdit={canEdit} onSave={save} />}</div>
      </main>
    </div>
  );
}
