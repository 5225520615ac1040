import { type MqttTopics } from '../../../common/line-mqtt-topics';
import type { LineMessage } from '../line-adapter';

export { mqttTopics, type MqttTopics } from '../../../common/line-mqtt-topics';

export function topicOf(topics: MqttTopics, message: LineMessage): string {
  return topics[message.kind];
}
