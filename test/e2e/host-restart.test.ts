import { describe, expect, it } from 'vitest';
import { browserSkip, cameraShown, signIn, stationPageSuite, USERS } from './support/served-station';

/**
 * The station host stopped and started again under an open tab, in headless Chromium: while it is
 * away the Inspect screen says so and offers nothing that needs it; once it is back with a new
 * token the tab says the station restarted and the link must be reopened; a sign-in survives a
 * reload of the tab but not a restart of the host.
 */
const skip = browserSkip('the host restart browser test');

const t = stationPageSuite(skip, { name: 'restart', opened: cameraShown });

describe.skipIf(skip !== null)('the station host going away under an open tab', () => {
  it('a signed-in user stays signed in across a reload of the tab', async () => {
    await signIn(t.page, USERS.supervisor);
    await t.page.reload();
    await t.page.locator('[data-testid="connection"][data-state="open"]').waitFor();
    await expect.poll(() => t.page.getByTestId('account-role').textContent()).toBe('supervisor');
    expect(await t.page.getByTestId('account-who').textContent()).toContain(USERS.supervisor.name);
    // The host still knows the session: a call only a supervisor may make is answered.
    await t.page.goto(t.page.url().replace(/#.*$/, '') + '#/history');
    await t.page.getByTestId('export-button').waitFor();
    expect(await t.page.getByTestId('export-button').isDisabled()).toBe(false);
    await t.page.goto(t.page.url().replace(/#.*$/, '') + '#/');
    await t.page.getByTestId('camera-view').locator('img').waitFor();
  });

  it('while the host is stopped, Capture and the instruction form are disabled and the panels say the host is offline', async () => {
    await expect.poll(() => t.page.getByTestId('capture-button').isDisabled()).toBe(false);
    await t.served.stop();
    await expect.poll(() => t.page.getByTestId('connection').textContent()).toBe('Host offline');
    await expect.poll(() => t.page.getByTestId('capture-button').isDisabled()).toBe(true);
    expect(await t.page.getByTestId('custom-prompt-input').isDisabled()).toBe(true);
    const instructions = (await t.page.getByRole('region', { name: 'Instructions' }).textContent()) ?? '';
    expect(instructions).not.toContain('No standing instructions');
    expect(instructions).toContain('The station host is offline');
    // Space, the capture key, does nothing either.
    await t.page.keyboard.press('Space');
    expect(await t.page.getByTestId('capture-button').textContent()).not.toContain('Inspecting');
  });

  it('once the host is back with a new token, the tab says the station restarted and the link must be reopened', async () => {
    await t.served.start();
    const notice = t.page.getByTestId('connection-expired');
    await expect.poll(() => notice.textContent(), { timeout: 30_000 }).toContain('The station restarted: reopen the link');
    expect(await t.page.getByTestId('connection').textContent()).toBe('Station restarted');
    expect(await t.page.getByTestId('capture-button').isDisabled()).toBe(true);

    // The new link opens it again; the sign-in ended with the old host.
    await t.page.goto(t.served.pageUrl());
    await t.page.locator('[data-testid="connection"][data-state="open"]').waitFor();
    expect(await notice.count()).toBe(0);
    await expect.poll(() => t.page.getByTestId('account-who').textContent()).toContain('Station operator');
    expect(await t.page.getByTestId('account-role').textContent()).toBe('operator');
    expect(t.pageErrors).toEqual([]);
  });
});
