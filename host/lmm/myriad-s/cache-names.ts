/** Names of the KV-cache inputs and outputs of decoder layer `i`. */
export function cacheNames(i: number) {
  return {
    pastKey: `past_key_values.${i}.key`,
    pastValue: `past_key_values.${i}.value`,
    presentKey: `present.${i}.key`,
    presentValue: `present.${i}.value`,
    /** The step's own keys and values, added at load (step-cache-outputs.ts). */
    stepKey: `step.${i}.key`,
    stepValue: `step.${i}.value`,
  };
}
