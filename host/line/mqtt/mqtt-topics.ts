import type { LineMessage } from '../line-adapter';

/** The topic layout under the configured prefix (docs/line.md). */
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

export function topicOf(topics: MqttTopics, message: LineMessage): string {
  return topics[message.kind];
}
