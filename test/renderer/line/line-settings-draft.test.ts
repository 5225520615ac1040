import { describe, expect, it } from 'vitest';
import type { LineSettingsView } from '../../../common/api';
import { LineSettingsPatch } from '../../../common/line-settings';
import { draftFromView, isEmptyPatch, patchFromDraft } from '../../../renderer/src/line/line-settings-draft';

const SAVED: LineSettingsView = {
  mqtt: { enabled: false, url: 'mqtt://127.0.0.1:1883', clientId: 'myriad-station', username: 'plant', password: { set: true }, topicPrefix: 'myriad/station' },
  opcua: { enabled: false, port: 4840, allowNoSecurity: false, users: [{ name: 'mes', password: { set: true } }] },
  modbus: { enabled: false, host: '127.0.0.1', port: 5020, unitId: 1 },
  triggerQueue: 4,
  cameraSource: null,
};

describe('the Line settings patch', () => {
  it('is empty for an untouched draft', () => {
    expect(isEmptyPatch(patchFromDraft(SAVED, draftFromView(SAVED)))).toBe(true);
  });

  it('holds only the changed fields, numbers as numbers, and passes the host schema', () => {
    const d = draftFromView(SAVED);
    d.mqtt.enabled = true;
    d.mqtt.url = 'mqtt://10.0.0.5:1883';
    d.modbus.port = '502';
    d.cameraSource = ' folder:/parts ';
    const patch = patchFromDraft(SAVED, d);
    expect(patch).toEqual({ mqtt: { enabled: true, url: 'mqtt://10.0.0.5:1883' }, modbus: { port: 502 }, cameraSource: 'folder:/parts' });
    expect(LineSettingsPatch.safeParse(patch).success).toBe(true);
  });

  it('sets, clears or keeps a secret, and never sends one that was not edited', () => {
    const d = draftFromView(SAVED);
    d.mqtt.username = '';
    expect(patchFromDraft(SAVED, d)).toEqual({ mqtt: { username: null } });
    d.mqtt.password = { kind: 'set', value: 's3cret' };
    expect(patchFromDraft(SAVED, d).mqtt).toEqual({ username: null, password: 's3cret' });
    d.mqtt.password = { kind: 'clear' };
    expect(patchFromDraft(SAVED, d).mqtt).toEqual({ username: null, password: null });
    // Clearing a password that is not set is no change.
    expect(patchFromDraft({ ...SAVED, mqtt: { ...SAVED.mqtt, password: { set: false } } }, draftFromView({ ...SAVED, mqtt: { ...SAVED.mqtt, password: { set: false } } }))).toEqual({});
  });

  it('sends the whole OPC UA user list when a user is added, removed or gets a new password; kept passwords stay out', () => {
    const d = draftFromView(SAVED);
    d.opcua.users.push({ name: 'scada', stored: false, password: { kind: 'set', value: 'pw-scada' } });
    expect(patchFromDraft(SAVED, d)).toEqual({ opcua: { users: [{ name: 'mes' }, { name: 'scada', password: 'pw-scada' }] } });
    const removed = draftFromView(SAVED);
    removed.opcua.users = [];
    expect(patchFromDraft(SAVED, removed)).toEqual({ opcua: { users: [] } });
  });

  it('sends a number the user emptied as NaN, which the host refuses naming the field', () => {
    const d = draftFromView(SAVED);
    d.opcua.port = '';
    const patch = patchFromDraft(SAVED, d);
    const sent: unknown = JSON.parse(JSON.stringify({ settings: patch }));
    const parsed = LineSettingsPatch.safeParse((sent as { settings: unknown }).settings);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['opcua', 'port']);
  });
});
