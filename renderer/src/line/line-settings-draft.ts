import type { LineSettingsView } from '../../../common/api';
import type { LineSettingsPatch } from '../../../common/line-settings';

/**
 * The Line settings form's draft. The screen never holds a stored secret (the host sends only
 * whether one is set), so a secret field is an edit to make: keep it, set a new one, or clear it.
 * Numbers stay text while typed; the host validates what is sent and names the field that is wrong.
 */
export type SecretEdit = { kind: 'keep' } | { kind: 'set'; value: string } | { kind: 'clear' };

export interface OpcuaUserDraft {
  name: string;
  /** Whether the host has a password for this user (a user added here has none yet). */
  stored: boolean;
  password: SecretEdit;
}

export interface LineDraft {
  mqtt: { enabled: boolean; url: string; clientId: string; username: string; password: SecretEdit; topicPrefix: string };
  opcua: { enabled: boolean; port: string; allowNoSecurity: boolean; users: OpcuaUserDraft[] };
  modbus: { enabled: boolean; host: string; port: string; unitId: string };
  triggerQueue: string;
  cameraSource: string;
}

const KEEP: SecretEdit = { kind: 'keep' };

export function draftFromView(v: LineSettingsView): LineDraft {
  return {
    mqtt: { enabled: v.mqtt.enabled, url: v.mqtt.url, clientId: v.mqtt.clientId, username: v.mqtt.username ?? '', password: KEEP, topicPrefix: v.mqtt.topicPrefix },
    opcua: {
      enabled: v.opcua.enabled,
      port: String(v.opcua.port),
      allowNoSecurity: v.opcua.allowNoSecurity,
      users: v.opcua.users.map((u) => ({ name: u.name, stored: u.password.set, password: KEEP })),
    },
    modbus: { enabled: v.modbus.enabled, host: v.modbus.host, port: String(v.modbus.port), unitId: String(v.modbus.unitId) },
    triggerQueue: String(v.triggerQueue),
    cameraSource: v.cameraSource ?? '',
  };
}

/** Text typed into a number field as the number the host validates ('' and words become NaN, which JSON sends as null: the host names the field). */
function asNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** Puts `key` into `into` when the draft's value differs from the saved one. */
function ifChanged<T extends object, K extends keyof T>(into: Partial<T>, key: K, draft: T[K], saved: T[K]): void {
  if (!Object.is(draft, saved)) into[key] = draft;
}

function secretPatch(edit: SecretEdit): { password?: string | null } {
  if (edit.kind === 'set') return { password: edit.value };
  if (edit.kind === 'clear') return { password: null };
  return {};
}

/** Only what changed against the saved settings: an empty patch means there is nothing to save. */
export function patchFromDraft(saved: LineSettingsView, d: LineDraft): LineSettingsPatch {
  const patch: LineSettingsPatch = {};

  const mqtt: NonNullable<LineSettingsPatch['mqtt']> = {};
  ifChanged(mqtt, 'enabled', d.mqtt.enabled, saved.mqtt.enabled);
  ifChanged(mqtt, 'url', d.mqtt.url, saved.mqtt.url);
  ifChanged(mqtt, 'clientId', d.mqtt.clientId, saved.mqtt.clientId);
  ifChanged(mqtt, 'username', d.mqtt.username === '' ? null : d.mqtt.username, saved.mqtt.username);
  ifChanged(mqtt, 'topicPrefix', d.mqtt.topicPrefix, saved.mqtt.topicPrefix);
  const mqttSecret = secretPatch(d.mqtt.password);
  // Clearing a password that is not set changes nothing.
  if (mqttSecret.password !== undefined && !(mqttSecret.password === null && !saved.mqtt.password.set)) mqtt.password = mqttSecret.password;
  if (Object.keys(mqtt).length > 0) patch.mqtt = mqtt;

  const opcua: NonNullable<LineSettingsPatch['opcua']> = {};
  ifChanged(opcua, 'enabled', d.opcua.enabled, saved.opcua.enabled);
  ifChanged(opcua, 'port', asNumber(d.opcua.port), saved.opcua.port);
  ifChanged(opcua, 'allowNoSecurity', d.opcua.allowNoSecurity, saved.opcua.allowNoSecurity);
  const usersChanged =
    d.opcua.users.length !== saved.opcua.users.length ||
    d.opcua.users.some((u, i) => u.name !== saved.opcua.users[i]?.name || u.password.kind !== 'keep');
  // The host takes the whole list; a user listed without a password keeps the one it has.
  if (usersChanged) opcua.users = d.opcua.users.map((u) => (u.password.kind === 'set' ? { name: u.name, password: u.password.value } : { name: u.name }));
  if (Object.keys(opcua).length > 0) patch.opcua = opcua;

  const modbus: NonNullable<LineSettingsPatch['modbus']> = {};
  ifChanged(modbus, 'enabled', d.modbus.enabled, saved.modbus.enabled);
  ifChanged(modbus, 'host', d.modbus.host, saved.modbus.host);
  ifChanged(modbus, 'port', asNumber(d.modbus.port), saved.modbus.port);
  ifChanged(modbus, 'unitId', asNumber(d.modbus.unitId), saved.modbus.unitId);
  if (Object.keys(modbus).length > 0) patch.modbus = modbus;

  const queue = asNumber(d.triggerQueue);
  if (!Object.is(queue, saved.triggerQueue)) patch.triggerQueue = queue;
  const camera = d.cameraSource.trim() === '' ? null : d.cameraSource.trim();
  if (camera !== saved.cameraSource) patch.cameraSource = camera;
  return patch;
}

export function isEmptyPatch(patch: LineSettingsPatch): boolean {
  return Object.keys(patch).length === 0;
}
