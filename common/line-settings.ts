import { z } from 'zod';
import { LineCameraSource } from './camera-spec';

/**
 * The line settings (Line settings screen, `serve --line FILE`), kept in the data dir as
 * line.json (mode 0600: it holds the secrets). Secrets are never in the audit trail, exports,
 * logs or API results: `lineSettingsView` replaces each by whether it is set.
 */

const host = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:\-[\]]+$/, 'expected a host name or IP address');
const port = z.number().int().min(1).max(65535);
const topicPrefix = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^#+\u0000-\u001f]+$/, 'a topic prefix may not contain #, + or control characters')
  .refine((p) => !p.endsWith('/'), 'a topic prefix does not end with /');
const secret = z.string().min(1).max(256);

export const MqttSettings = z.strictObject({
  enabled: z.boolean(),
  /** mqtt://host:port or mqtts://host:port */
  url: z.string().trim().max(1000).regex(/^mqtts?:\/\/[^\s/]+(:\d+)?\/?$/, 'expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT]'),
  clientId: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'a client id is letters, digits, _ . -'),
  username: z.string().max(256).nullable(),
  password: secret.nullable(),
  topicPrefix,
});
export type MqttSettings = z.infer<typeof MqttSettings>;

export const OpcuaSettings = z.strictObject({
  enabled: z.boolean(),
  port,
  /** SecurityPolicy None: off by default (a plant network is not a trusted one). */
  allowNoSecurity: z.boolean(),
  /** Users for Basic256Sha256 Sign / SignAndEncrypt sessions. */
  users: z.array(z.strictObject({ name: z.string().trim().min(1).max(64), password: secret })).max(16),
});
export type OpcuaSettings = z.infer<typeof OpcuaSettings>;

export const ModbusSettings = z.strictObject({
  enabled: z.boolean(),
  /** The station is the Modbus TCP server the PLC polls: where it listens. */
  host,
  port,
  unitId: z.number().int().min(0).max(255),
});
export type ModbusSettings = z.infer<typeof ModbusSettings>;

export const LineSettings = z.strictObject({
  mqtt: MqttSettings,
  opcua: OpcuaSettings,
  modbus: ModbusSettings,
  /** Triggers waiting while a part is inspected; one more is answered with Error. */
  triggerQueue: z.number().int().min(0).max(100),
  /** The camera source triggered parts are captured from when the recipe names none (folder:DIR, file:IMAGE, webcam[:DEVICE_ID]). */
  cameraSource: LineCameraSource.nullable(),
});
export type LineSettings = z.infer<typeof LineSettings>;

export const DEFAULT_LINE_SETTINGS: LineSettings = {
  mqtt: { enabled: false, url: 'mqtt://127.0.0.1:1883', clientId: 'myriad-station', username: null, password: null, topicPrefix: 'myriad/station' },
  opcua: { enabled: false, port: 4840, allowNoSecurity: false, users: [] },
  modbus: { enabled: false, host: '127.0.0.1', port: 5020, unitId: 1 },
  triggerQueue: 4,
  cameraSource: null,
};

/**
 * `line.setSettings`: the parts to change. A secret field: a string sets it, null clears it, absent
 * keeps it; an OPC UA user listed without a password keeps the one that user has.
 */
export const LineSettingsPatch = z.strictObject({
  mqtt: MqttSettings.partial().optional(),
  opcua: OpcuaSettings.omit({ users: true })
    .partial()
    .extend({ users: z.array(z.strictObject({ name: z.string().trim().min(1).max(64), password: secret.optional() })).max(16).optional() })
    .optional(),
  modbus: ModbusSettings.partial().optional(),
  triggerQueue: LineSettings.shape.triggerQueue.optional(),
  cameraSource: LineSettings.shape.cameraSource.optional(),
});
export type LineSettingsPatch = z.infer<typeof LineSettingsPatch>;
