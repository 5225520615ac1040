import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStation } from '../../host/station';
import { meanImageBackend } from '../host/fixtures/mean-image-expert';
import { signIn } from './support/accounts';
import { launchBrowser } from './support/browser';
import { saveDocScreenshot } from './support/doc-screenshot';
import { rawCall } from './support/raw-call';
import { queryStation } from './support/served-page';
import { browserSkip } from './support/served-station';
import { startServe, type ServeProcess } from './support/serve-process';

/**
 * Issue 18, the Line settings screen in real Chromium against `npm run serve`, with an in-process
 * aedes broker that only lets the right password in: an engineer points the station at the
 * broker, the top bar says MQTT connected, "Send test result" reaches a real subscriber on the
 * documented topic, and the password never shows up in the page, the audit trail or the
 * station's output. A bad broker URL saves nothing; an operator only reads; a stopped broker turns
 * the top bar's indicator to down.
 */
const skip = browserSkip('the Line settings browser test');

const ENGINEER = { name: 'erin', password: 'engineer-pass-1' };
const OPERATOR = { name: 'olga', password: 'operator-pass-1' };
const BROKER_USER = 'line';
const BROKER_PASSWORD = 'Br0ker-Secret-7f3a';
/** The documented test topic under the default prefix (docs/line.md). */
const TEST_TOPIC = 'myriad/station/test';

let root: string;
let dataDir: string;
let broker: Aedes;
let brokerServer: Server;
let brokerUrl: string;
let subscriber: MqttClient;
let brokerStopped = false;
let serve: ServeProcess;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];
const testMessages: Array<{ messageId?: string }> = [];

/** Closes every client connection and the listener; the station's reconnects are refused from then on. */
async function stopBroker(): Promise<void> {
  brokerStopped = true;
  brokerServer.close();
  await new Promise<void>((resolve) => broker.close(() => resolve()));
}

const mqttIndicator = () => page.getByTestId('topbar-line-mqtt');

describe.skipIf(skip !== null)('the Line settings screen', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-line-e2e-'));
    dataDir = join(root, 'data');
    await mkdir(dataDir, { recursive: true });

    broker = await Aedes.createBroker();
    broker.authenticate = (_client, username, password, done) => done(null, username === BROKER_USER && password?.toString() === BROKER_PASSWORD);
    brokerServer = createServer(broker.handle);
    await new Promise<void>((resolve) => brokerServer.listen(0, '127.0.0.1', resolve));
    brokerUrl = `mqtt://127.0.0.1:${(brokerServer.address() as AddressInfo).port}`;
    subscriber = await mqtt.connectAsync(brokerUrl, { clientId: 'e2e-subscriber', username: BROKER_USER, password: BROKER_PASSWORD, reconnectPeriod: 0 });
    await subscriber.subscribeAsync(TEST_TOPIC, { qos: 1 });
    subscriber.on('message', (topic, payload) => {
      if (topic === TEST_TOPIC) testMessages.push(JSON.parse(payload.toString()) as { messageId?: string });
    });

    const station = await openStation({ dataDir, device: 'cpu', experts: meanImageBackend, lmmDir: null, scryptCost: { N: 2 ** 12, r: 8, p: 1 } });
    try {
      await station.testInternals.accounts.add('setup', { name: ENGINEER.name, role: 'engineer', password: ENGINEER.password });
      await station.testInternals.accounts.add('setup', { name: OPERATOR.name, role: 'operator', password: OPERATOR.password });
    } finally {
      await station.close();
    }
    serve = await startServe(['--data-dir', dataDir, '--device', 'cpu', '--port', '0']);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${serve.url}#/line`);
    await page.locator('[data-testid="connection"][data-state="open"]').waitFor();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await subscriber?.endAsync(true).catch(() => undefined);
    if (broker && !brokerStopped) await stopBroker();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('an engineer connects MQTT with a password that is never shown, and a test result reaches the broker', async () => {
    await signIn(page, ENGINEER.name, ENGINEER.password, 'password');
    await page.getByTestId('line-settings').waitFor();
    expect(await page.getByTestId('line-mqtt-password-state').getAttribute('data-set')).toBe('no');
    expect(await page.getByTestId('topbar-line').count()).toBe(0);

    // A URL that is not mqtt:// is refused by the host with one message, and nothing is stored.
    await page.getByTestId('line-mqtt-enabled').check();
    await page.getByTestId('line-mqtt-url').fill('http://broker.example:1883');
    await page.getByTestId('line-save').click();
    const error = page.getByTestId('line-save-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/mqtt\.url: expected mqtt:\/\/HOST\[:PORT\]/);
    expect(await page.locator('[data-testid="line-save-error"], [data-testid="error-banner"]').count()).toBe(1);
    expect(existsSync(join(dataDir, 'line.json'))).toBe(false);
    expect(queryStation(dataDir, "SELECT seq FROM audit_log WHERE action = 'line.settings'")).toEqual([]);
    expect(await page.getByTestId('topbar-line').count()).toBe(0);

    await page.getByTestId('line-mqtt-url').fill(brokerUrl);
    await page.getByTestId('line-mqtt-username').fill(BROKER_USER);
    await page.getByTestId('line-mqtt-password-set').click();
    await page.getByTestId('line-mqtt-password').fill(BROKER_PASSWORD);
    await page.getByTestId('line-save').click();
    await expect.poll(() => page.getByTestId('line-saved').textContent()).toContain('mqtt.password');
    expect(await page.getByTestId('line-save-error').count()).toBe(0);
    // Connected only with the right password: the broker refuses every other.
    await expect.poll(() => mqttIndicator().getAttribute('data-status'), { timeout: 15_000 }).toBe('connected');
    expect(await mqttIndicator().textContent()).toBe('MQTT connected');
    expect(await page.getByTestId('line-state-mqtt').getAttribute('data-status')).toBe('connected');
    expect(await page.getByTestId('line-mqtt-password-state').getAttribute('data-set')).toBe('yes');
    expect(await page.getByTestId('line-mqtt-password').count()).toBe(0);

    await page.getByTestId('line-send-test').click();
    const sent = page.getByTestId('line-test-sent');
    await sent.waitFor();
    const messageId = await sent.getAttribute('data-message-id');
    expect(messageId).toMatch(/\S/);
    expect(await sent.textContent()).toContain(messageId as string);
    await expect.poll(() => testMessages.map((m) => m.messageId), { timeout: 15_000 }).toContain(messageId);
    await expect.poll(() => page.getByTestId('line-sent-mqtt').textContent()).not.toBe('0');
    await saveDocScreenshot(await page.screenshot({ fullPage: true }), 'line-settings.png');

    // The station keeps it (line.json) and says only that it is set.
    expect(await readFile(join(dataDir, 'line.json'), 'utf8')).toContain(BROKER_PASSWORD);
    expect(await page.content()).not.toContain(BROKER_PASSWORD);
    const audit = queryStation<{ action: string; details_json: string }>(dataDir, 'SELECT * FROM audit_log');
    expect(audit.filter((r) => r.action === 'line.settings').map((r) => JSON.parse(r.details_json))).toEqual([{ changed: expect.arrayContaining(['mqtt.enabled', 'mqtt.url', 'mqtt.username', 'mqtt.password']) }]);
    expect(JSON.stringify(audit)).not.toContain(BROKER_PASSWORD);
    expect(serve.stdout() + serve.stderr()).not.toContain(BROKER_PASSWORD);
    expect(pageErrors).toEqual([]);
  });

  it('an operator reads the line state and cannot change the settings', async () => {
    await page.getByTestId('account-signout').click();
    await expect.poll(() => page.getByTestId('account-role').textContent()).toBe('operator');
    await page.getByTestId('line-locked').waitFor();
    expect(await page.getByTestId('line-settings').count()).toBe(0);
    expect(await page.getByTestId('line-send-test').count()).toBe(0);
    expect(await page.getByTestId('line-state-mqtt').getAttribute('data-status')).toBe('connected');
    expect(await mqttIndicator().getAttribute('data-status')).toBe('connected');
    // The host is the protection: the same call from this page without an engineer's session is refused.
    const refused = await rawCall(page, 'line.setSettings', { settings: { mqtt: { enabled: false } } }, null);
    expect(refused.error?.code).toBe('FORBIDDEN');
    const settings = await rawCall(page, 'line.settings', {}, null);
    expect(settings.error?.code).toBe('FORBIDDEN');
    expect(await page.content()).not.toContain(BROKER_PASSWORD);
    expect(pageErrors).toEqual([]);
  });

  it('the top bar says down within seconds of the broker stopping, on every screen', async () => {
    await page.getByTestId('nav-history').click();
    await expect.poll(() => mqttIndicator().getAttribute('data-status')).toBe('connected');
    await stopBroker();
    await expect.poll(() => mqttIndicator().getAttribute('data-status'), { timeout: 8_000 }).toBe('down');
    expect(await mqttIndicator().textContent()).toBe('MQTT down');
    await page.getByTestId('nav-line').click();
    await expect.poll(() => page.getByTestId('line-state-mqtt').getAttribute('data-status')).toBe('down');
    expect(pageErrors).toEqual([]);
  });
});
