/**
 * The MQTT topic layout under the configured prefix (docs/line.md): the adapter publishes and
 * subscribes these, and the Line settings screen lists them, so both read this one declaration.
 */
export function mqttTopics(prefix: string) {
  return {
    verdict: `${prefix}/result/verdict`,
    answer: `${prefix}/result/answer`,
    error: `${prefix}/error`,
    test: `${prefix}/test`,
    /** Retained: ready | busy | error | stopped, and the last will `offline`. */
    state: `${prefix}/state`,
    trigger: `${prefix}/cmd/trigger`,
    recipe: `${prefix}/cmd/recipe`,
  };
}
export type MqttTopics = ReturnType<typeof mqttTopics>;
export type MqttTopicName = keyof MqttTopics;

/** Which way each topic goes, seen from the station. */
export const MQTT_TOPIC_DIRECTION: Record<MqttTopicName, 'publish' | 'subscribe'> = {
  verdict: 'publish',
  answer: 'publish',
  error: 'publish',
  test: 'publish',
  state: 'publish',
  trigger: 'subscribe',
  recipe: 'subscribe',
};
