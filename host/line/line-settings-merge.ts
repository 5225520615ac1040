import type { LineSettings, LineSettingsPatch } from '../../common/line-settings';

/**
 * The settings after `patch`: a field absent keeps its value; a secret set to null is cleared; an
 * OPC UA user listed without a password keeps the password that user has (a new user without one
 * fails LineSettings validation afterwards, naming the field).
 */
export function mergeLineSettings(s: LineSettings, patch: LineSettingsPatch): unknown {
  const users = patch.opcua?.users?.map((u) => ({ name: u.name, password: u.password ?? s.opcua.users.find((o) => o.name === u.name)?.password }));
  return {
    mqtt: { ...s.mqtt, ...patch.mqtt },
    opcua: { ...s.opcua, ...patch.opcua, users: users ?? s.opcua.users },
    modbus: { ...s.modbus, ...patch.modbus },
    triggerQueue: patch.triggerQueue ?? s.triggerQueue,
    cameraSource: patch.cameraSource === undefined ? s.cameraSource : patch.cameraSource,
  };
}

/** The dotted keys whose values differ (`mqtt.password`, `opcua.users`): what the audit trail records, never the values. */
export function changedSettingKeys(before: LineSettings, after: LineSettings): string[] {
  const keys: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (isObject(a) && isObject(b) && path.split('.').length < 2) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) keys.push(path);
  };
  walk(before, after, '');
  return keys;
}
