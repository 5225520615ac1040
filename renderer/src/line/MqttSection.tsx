import { MQTT_TOPIC_DIRECTION, mqttTopics, type MqttTopicName } from '../../../common/line-mqtt-topics';
import { useT } from '../i18n/I18nProvider';
import type { LineDraft } from './line-settings-draft';
import { SecretField } from './SecretField';

type Mqtt = LineDraft['mqtt'];

interface Props {
  mqtt: Mqtt;
  passwordStored: boolean;
  onChange: (mqtt: Mqtt) => void;
  disabled: boolean;
}

/** The MQTT broker the station publishes results to, and the topics that follow from the prefix. */
export function MqttSection({ mqtt, passwordStored, onChange, disabled }: Props) {
  const { t } = useT();
  const set = <K extends keyof Mqtt>(key: K, value: Mqtt[K]) => onChange({ ...mqtt, [key]: value });
  const topics = mqttTopics(mqtt.topicPrefix);
  return (
    <fieldset className="line-section" data-testid="line-mqtt" disabled={disabled}>
      <legend>{t('line.adapter.mqtt')}</legend>
      <label className="field inline">
        <input type="checkbox" data-testid="line-mqtt-enabled" checked={mqtt.enabled} onChange={(e) => set('enabled', e.target.checked)} />
        <span>{t('line.enabled')}</span>
      </label>
      <label className="field">
        <span>{t('line.mqtt.url')}</span>
        <input data-testid="line-mqtt-url" value={mqtt.url} onChange={(e) => set('url', e.target.value)} />
      </label>
      <label className="field">
        <span>{t('line.mqtt.clientId')}</span>
        <input data-testid="line-mqtt-client-id" value={mqtt.clientId} onChange={(e) => set('clientId', e.target.value)} />
      </label>
      <label className="field">
        <span>{t('line.mqtt.username')}</span>
        <input data-testid="line-mqtt-username" autoComplete="off" value={mqtt.username} onChange={(e) => set('username', e.target.value)} />
      </label>
      <SecretField
        testId="line-mqtt-password"
        label={t('line.mqtt.password')}
        stored={passwordStored}
        edit={mqtt.password}
        onEdit={(password) => set('password', password)}
        disabled={disabled}
        clearable
      />
      <label className="field">
        <span>{t('line.mqtt.topicPrefix')}</span>
        <input data-testid="line-mqtt-topic-prefix" value={mqtt.topicPrefix} onChange={(e) => set('topicPrefix', e.target.value)} />
      </label>
      <table className="line-table line-topics" data-testid="line-mqtt-topics">
        <thead>
          <tr>
            <th>{t('line.mqtt.topic')}</th>
            <th>{t('line.mqtt.direction')}</th>
            <th>{t('line.mqtt.carries')}</th>
          </tr>
        </thead>
        <tbody>
          {(Object.keys(topics) as MqttTopicName[]).map((name) => (
            <tr key={name} data-testid={`line-mqtt-topic-${name}`}>
              <td>
                <code>{topics[name]}</code>
              </td>
              <td data-direction={MQTT_TOPIC_DIRECTION[name]}>{t(`line.mqtt.${MQTT_TOPIC_DIRECTION[name]}`)}</td>
              <td>{t(`line.mqtt.topicMeaning.${name}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}
