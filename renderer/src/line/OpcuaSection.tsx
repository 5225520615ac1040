import { useState } from 'react';
import { useT } from '../i18n/I18nProvider';
import type { LineDraft, OpcuaUserDraft } from './line-settings-draft';
import { SecretField } from './SecretField';

type Opcua = LineDraft['opcua'];

interface Props {
  opcua: Opcua;
  onChange: (opcua: Opcua) => void;
  disabled: boolean;
}

/** Where clients reach the OPC UA server: the page's host, as the station serves both (Electron's page has none). */
function endpointHost(): string {
  return window.location.hostname || 'localhost';
}

/** The OPC UA Machine Vision server: port, the no-security policy, the users of signed sessions. */
export function OpcuaSection({ opcua, onChange, disabled }: Props) {
  const { t } = useT();
  const [newUser, setNewUser] = useState('');
  const endpoint = `opc.tcp://${endpointHost()}:${opcua.port}`;
  const set = <K extends keyof Opcua>(key: K, value: Opcua[K]) => onChange({ ...opcua, [key]: value });
  const setUser = (i: number, user: OpcuaUserDraft | null) =>
    set('users', user === null ? opcua.users.filter((_, j) => j !== i) : opcua.users.map((u, j) => (j === i ? user : u)));
  const addUser = () => {
    const name = newUser.trim();
    if (name === '' || opcua.users.some((u) => u.name === name)) return;
    set('users', [...opcua.users, { name, stored: false, password: { kind: 'set', value: '' } }]);
    setNewUser('');
  };
  return (
    <fieldset className="line-section" data-testid="line-opcua" disabled={disabled}>
      <legend>{t('line.adapter.opcua')}</legend>
      <label className="field inline">
        <input type="checkbox" data-testid="line-opcua-enabled" checked={opcua.enabled} onChange={(e) => set('enabled', e.target.checked)} />
        <span>{t('line.enabled')}</span>
      </label>
      <label className="field">
        <span>{t('line.port')}</span>
        <input type="number" data-testid="line-opcua-port" value={opcua.port} onChange={(e) => set('port', e.target.value)} />
      </label>
      <div className="field">
        <span>{t('line.opcua.endpoint')}</span>
        <code data-testid="line-opcua-endpoint">{endpoint}</code>
      </div>
      <label className="field inline">
        <input type="checkbox" data-testid="line-opcua-no-security" checked={opcua.allowNoSecurity} onChange={(e) => set('allowNoSecurity', e.target.checked)} />
        <span>{t('line.opcua.allowNoSecurity')}</span>
      </label>
      {opcua.allowNoSecurity && (
        <p className="line-warning" data-testid="line-opcua-no-security-warning">
          {t('line.opcua.noSecurityWarning')}
        </p>
      )}
      <div className="line-users" data-testid="line-opcua-users">
        <span className="muted">{t('line.opcua.users')}</span>
        {opcua.users.length === 0 && <span className="muted">{t('common.noneSentence')}</span>}
        {opcua.users.map((u, i) => (
          <div key={u.name} className="line-user" data-testid={`line-opcua-user-${u.name}`}>
            <SecretField
              testId={`line-opcua-user-${u.name}-password`}
              label={u.name}
              stored={u.stored}
              edit={u.password}
              onEdit={(password) => setUser(i, { ...u, password })}
              disabled={disabled}
              clearable={false}
            />
            {!disabled && (
              <button type="button" className="small secondary" data-testid={`line-opcua-user-${u.name}-remove`} onClick={() => setUser(i, null)}>
                {t('line.opcua.removeUser')}
              </button>
            )}
          </div>
        ))}
        {!disabled && (
          <div className="line-user-add">
            <input aria-label={t('line.opcua.newUser')} placeholder={t('line.opcua.newUser')} data-testid="line-opcua-new-user" value={newUser} onChange={(e) => setNewUser(e.target.value)} />
            <button type="button" className="small" data-testid="line-opcua-add-user" disabled={newUser.trim() === ''} onClick={addUser}>
              {t('line.opcua.addUser')}
            </button>
          </div>
        )}
      </div>
    </fieldset>
  );
}
