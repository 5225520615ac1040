import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS } from './support/paths';
import { queryStation } from './support/served-page';
import { browserSkip, RECIPE, signIn, stationPageSuite, USERS } from './support/served-station';

/**
 * Who decides a disagreement, set on the Recipes screen in headless Chromium against a served
 * station: an engineer switches the recipe to Myriad's verdict, the host records a new audited
 * version, and the screen shows the saved policy after a reload, read-only once signed out.
 */
const skip = browserSkip('the disagreement policy browser test');

const t = stationPageSuite(skip, { name: 'verdict-policy', hash: '#/recipes' });

describe.skipIf(skip !== null)('the disagreement policy on the Recipes screen', () => {
  it('an engineer switches it to the model, and it is shown after a reload', async () => {
    const { page } = t;
    await signIn(page, USERS.engineer);
    const settings = page.getByTestId('verdict-policy-settings');
    await expect.poll(() => settings.getAttribute('data-policy')).toBe('review');
    expect(await page.getByTestId('verdict-policy-review').isChecked()).toBe(true);

    await page.getByTestId('verdict-policy-model').check();
    await page.getByTestId('verdict-policy-save').click();
    await expect.poll(() => settings.getAttribute('data-policy')).toBe('model');
    expect(await page.getByTestId('band-saved').textContent()).toContain("Myriad's verdict stands");
    const changes = queryStation<{ actor: string; subject: string; details_json: string }>(
      t.served.dataDir,
      "SELECT actor, subject, details_json FROM audit_log WHERE action = 'recipe.model-verdict-policy'",
    );
    expect(changes.map((c) => [c.actor, c.subject, JSON.parse(c.details_json).to])).toEqual([[USERS.engineer.name, `${RECIPE}@2`, 'model']]);

    await page.reload();
    await page.getByTestId('recipes-screen').waitFor();
    await expect.poll(() => settings.getAttribute('data-policy')).toBe('model');
    expect(await page.getByTestId('verdict-policy-model').isChecked()).toBe(true);
    expect(await page.getByTestId('verdict-policy-save').isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'recipes-verdict-policy.png'), fullPage: true });

    // Signed out, the station's operator sees the policy and cannot change it.
    await page.getByTestId('account-signout').click();
    await expect.poll(() => page.getByTestId('account-role').textContent()).toBe('operator');
    await expect.poll(() => page.getByTestId('verdict-policy-model').isDisabled()).toBe(true);
    expect(await page.getByTestId('verdict-policy-model').isChecked()).toBe(true);
    expect(await page.getByTestId('verdict-policy-save').isDisabled()).toBe(true);
    expect(t.pageErrors).toEqual([]);
  });
});
