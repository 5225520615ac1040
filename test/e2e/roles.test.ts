import { readFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../common/api';
import { rawCall } from './support/raw-call';
import { runCli as runCliOn, signIn as signInAs } from './support/accounts';
import { ARTIFACTS, BOTTLE, e2eSkipReason } from './support/paths';
import type { ServeProcess } from './support/serve-process';
import { prepareBottleStation, withStation } from './support/station-fixture';
import { closeServedBrowser, serveInBrowser } from './support/served-browser';

/**
 * Sign-in, roles and the Recipes screen in headless Chromium against `npm run serve` on a real
 * PatchCore bottle recipe: an operator cannot change the threshold (the UI hides it and the host
 * refuses a raw call), an engineer can, which makes a new recipe version and an audit row; replay
 * of a past inspection is shown and not recorded. Users are added with `npm run users`.
 */
const skip = e2eSkipReason();
if (skip) console.warn(`Skipping the browser tests: ${skip}`);

let root: string;
let dataDir: string;
let serve: ServeProcess;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];

const runCli = (script: 'users' | 'audit', args: string[], stdin = '') => runCliOn(dataDir, script, args, stdin);

function db() {
  return new Database(join(dataDir, 'station.db'), { readonly: true, fileMustExist: true });
}

function query<T>(sql: string): T {
  const d = db();
  try {
    return d.prepare(sql).all() as T;
  } finally {
    d.close();
  }
}

/** Sign-in, its screenshot kept with the other test artifacts. */
const signIn = (p: Page, name: string, secret: string, mode: 'password' | 'pin', screenshot?: string) =>
  signInAs(p, name, secret, mode, screenshot && join(ARTIFACTS, screenshot));

describe.skipIf(skip !== null)('roles and the Recipes screen through npm run serve', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-roles-'));
    ({ dataDir } = await prepareBottleStation(root, { golden: 5, camera: {} }));
    // One past inspection to replay, recorded through the host like any other.
    const png = await readFile(join(BOTTLE, 'test', 'broken_large', '000.png'));
    await withStation(dataDir, (station) => station.call('inspect', { recipe: 'bottle', frame: { kind: 'upload', mime: 'image/png', base64: png.toString('base64') } }));
    await mkdir(join(root, 'secrets'));
    await writeFile(join(root, 'secrets', 'op.txt'), 'operator-pass-1\n');
    await writeFile(join(root, 'secrets', 'op-pin.txt'), '2468\n');
    const eng = await runCli('users', ['add', '--name', 'erin', '--role', 'engineer'], 'engineer-pass-1\n');
    expect(eng, eng.out).toMatchObject({ code: 0 });
    const op = await runCli('users', ['add', '--name', 'olga', '--role', 'operator', '--password-file', join(root, 'secrets', 'op.txt'), '--pin-file', join(root, 'secrets', 'op-pin.txt')], '');
    expect(op, op.out).toMatchObject({ code: 0 });
    const sup = await runCli('users', ['add', '--name', 'sam', '--role', 'supervisor'], 'supervisor-pass-1\n');
    expect(sup, sup.out).toMatchObject({ code: 0 });
    ({ serve, browser, page } = await serveInBrowser(dataDir, { serveArgs: ['--recipe', 'bottle'], pageErrors, consoleErrors: true }));
    await mkdir(ARTIFACTS, { recursive: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(`${serve.url}#/recipes`);
    await page.locator('[data-testid="connection"][data-state="open"]').waitFor();
    await page.getByTestId('recipes-screen').waitFor();
  }, 400_000);

  afterAll(() => closeServedBrowser({ browser, serve, root }));

  it('users added from the command line are stored with scrypt hashes and audited', () => {
    const creds = query<Array<{ user_name: string; kind: string; hash: string }>>('SELECT user_name, kind, hash FROM credentials ORDER BY id');
    expect(creds.map((c) => [c.user_name, c.kind])).toEqual([['erin', 'password'], ['olga', 'password'], ['olga', 'pin'], ['sam', 'password']]);
    for (const c of creds) expect(c.hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(query<Array<{ action: string; subject: string }>>("SELECT action, subject FROM audit_log WHERE action = 'user.add'")).toHaveLength(3);
  });

  it('an operator (anonymous, then signed in with a PIN) cannot change the band: the UI locks it and the host refuses', async () => {
    await expect.poll(() => page.getByTestId('account-role').textContent()).toBe('operator');
    await expect.poll(() => page.getByTestId('golden-grid').locator('img').count()).toBe(5);
    expect(await page.getByTestId('band-t1').isDisabled()).toBe(true);
    expect(await page.getByTestId('band-save').isDisabled()).toBe(true);
    await expect.poll(() => page.getByTestId('band-locked').textContent()).toContain('your role is operator');

    const anon = await rawCall(page, 'recipes.setBand', { recipe: 'bottle', band: { t1: 0.3, t2: 0.7 } }, null);
    expect(anon.error).toEqual({ code: 'FORBIDDEN', message: 'recipes.setBand needs an engineer; your role is operator' });

    await signIn(page, 'olga', '2468', 'pin', 'login.png');
    expect(await page.getByTestId('account-role').textContent()).toBe('operator');
    expect(await page.getByTestId('band-t1').isDisabled()).toBe(true);
    const login = (await rawCall(page, 'auth.pin', { name: 'olga', pin: '2468' }, null)).result as Results['auth.pin'];
    const asOlga = await rawCall(page, 'recipes.setBand', { recipe: 'bottle', band: { t1: 0.3, t2: 0.7 } }, login.token);
    expect(asOlga.error?.code).toBe('FORBIDDEN');
    await page.screenshot({ path: join(ARTIFACTS, 'recipes-operator.png') });
    expect(query<Array<{ n: number }>>("SELECT COUNT(*) AS n FROM recipes WHERE name = 'bottle'")[0]?.n).toBe(1);
    expect(query<Array<{ n: number }>>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'recipe.threshold'")[0]?.n).toBe(0);
    await page.getByTestId('account-signout').click();
    await expect.poll(() => page.getByTestId('account-who').textContent()).toContain('Station operator');
  });

  it('an engineer changes the band: a new recipe version and one audit row by the engineer', async () => {
    await signIn(page, 'erin', 'engineer-pass-1', 'password');
    await expect.poll(() => page.getByTestId('band-t1').isDisabled()).toBe(false);
    await page.getByTestId('band-t1').fill('0.33');
    await page.getByTestId('band-t2').fill('0.66');
    await page.getByTestId('band-save').click();
    await expect.poll(() => page.getByTestId('band-saved').textContent()).toBe('Saved bottle v2: T1 0.33 / T2 0.66');
    await expect.poll(() => page.getByTestId('recipe-version').textContent()).toBe('v2');
    expect(await page.getByTestId('recipe-versions').locator('tbody tr').count()).toBe(2);

    const versions = query<Array<{ version: number; t1: number; t2: number; created_by: string; expert_dir: string }>>(
      "SELECT version, t1, t2, created_by, expert_dir FROM recipes WHERE name = 'bottle' ORDER BY version",
    );
    expect(versions.map((v) => [v.version, v.t1, v.t2, v.created_by])).toEqual([
      [1, versions[0]?.t1, versions[0]?.t2, 'e2e'],
      [2, 0.33, 0.66, 'erin'],
    ]);
    expect(versions[1]?.expert_dir).toBe(versions[0]?.expert_dir);
    const audit = query<Array<{ actor: string; subject: string; details_json: string }>>("SELECT actor, subject, details_json FROM audit_log WHERE action = 'recipe.threshold'");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'erin', subject: 'bottle@2' });
    expect(JSON.parse(audit[0]?.details_json ?? '{}')).toMatchObject({ to: { t1: 0.33, t2: 0.66 }, previousVersion: 1 });
    // The past inspection still points at the version it used.
    expect(query<Array<{ version: number }>>('SELECT r.version FROM inspections i JOIN recipes r ON r.id = i.recipe_id')).toEqual([{ version: 1 }]);
    await page.screenshot({ path: join(ARTIFACTS, 'recipes-engineer.png'), fullPage: true });
  });

  it('replays the past inspection through today\'s recipe without recording it', async () => {
    await page.getByTestId('replay-run').first().click();
    await page.getByTestId('replay-result').waitFor();
    const line = (await page.getByTestId('replay-verdict').textContent()) ?? '';
    expect(line).toMatch(/^Today's setup (agrees|disagrees): (PASS|FAIL|REVIEW) then, (PASS|FAIL|REVIEW) today · score Δ [+-]\d+\.\d{4} \(not recorded\)$/);
    expect(await page.getByTestId('replay-then').textContent()).toContain('v1');
    expect(await page.getByTestId('replay-today').textContent()).toContain('v2');
    expect(await page.getByTestId('replay-then').locator('li').count()).toBeGreaterThan(1);
    expect(query<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM inspections')[0]?.n).toBe(1);
    await page.getByTestId('replay-result').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'replay.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('npm run audit and the supervisor\'s audit panel: the chain verifies, exports as syslog, then fails at the row an attacker rewrote in SQLite', async () => {
    await page.getByTestId('account-signout').click();
    await signIn(page, 'sam', 'supervisor-pass-1', 'password');
    expect(await page.getByTestId('band-t1').isDisabled()).toBe(true);
    await page.getByTestId('audit-verify').click();
    await expect.poll(() => page.getByTestId('audit-check').textContent()).toMatch(/^Chain intact \(\d+ rows\)$/);
    await expect.poll(() => page.getByTestId('audit-rows').locator('tbody').textContent()).toContain('recipe.threshold');
    // The newest row is the supervisor's own sign-in: sign-ins are audited.
    expect(await page.getByTestId('audit-rows').locator('tbody tr').first().textContent()).toContain('auth.signinsam');
    await page.getByTestId('audit-panel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'audit.png'), fullPage: true });

    const ok = await runCli('audit', ['verify']);
    expect(ok, ok.out).toMatchObject({ code: 0 });
    expect(ok.out).toMatch(/Audit trail verified: \d+ rows, chain intact/);
    const logFile = join(root, 'audit.log');
    expect((await runCli('audit', ['export', '--format', 'syslog', '--out', logFile])).code).toBe(0);
    const lines = (await readFile(logFile, 'utf8')).trimEnd().split('\n');
    const threshold = lines.find((l) => l.includes(' recipe.threshold ')) ?? '';
    expect(threshold).toMatch(/^<109>1 \S+Z \S+ myriad-station \d+ recipe\.threshold \[audit@32473 seq="\d+" actor="erin" subject="bottle@2" hash="[0-9a-f]{64}" prevHash="[0-9a-f]{64}"\] /);

    const rw = new Database(join(dataDir, 'station.db'));
    let seq: number;
    try {
      seq = (rw.prepare("SELECT seq FROM audit_log WHERE action = 'recipe.threshold'").get() as { seq: number }).seq;
      rw.exec('DROP TRIGGER audit_log_no_update');
      rw.prepare("UPDATE audit_log SET details_json = '{}' WHERE seq = ?").run(seq);
    } finally {
      rw.close();
    }
    const broken = await runCli('audit', ['verify']);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`BROKEN at row seq ${seq}`);
    await page.getByTestId('audit-verify').click();
    await expect.poll(() => page.getByTestId('audit-check').textContent()).toBe(`Chain broken at row ${seq}`);
  });
});
