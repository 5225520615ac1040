import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../host/reports/csv';
import { browserSkip, signIn, stationPageSuite, USERS } from './support/served-station';

/**
 * The History screen's export as each role meets it: the operator is told up front that exporting
 * needs a supervisor instead of being refused after pressing Export; a supervisor's finished export
 * arrives as a browser download, not as a link to click.
 */
const skip = browserSkip('the history export browser test');

const t = stationPageSuite(skip, {
  name: 'history-export',
  hash: '#/history',
  prepare: (served) => t.served.inspect(['01-scratch.png', '02-good.png', '03-dent.png']),
});

describe.skipIf(skip !== null)('exporting from the History screen', () => {
  it('an operator sees Export disabled with the reason, and is never refused after pressing it', async () => {
    await expect.poll(() => t.page.getByTestId('history-row').count()).toBe(3);
    await expect.poll(() => t.page.getByTestId('account-role').textContent()).toBe('operator');
    expect(await t.page.getByTestId('export-button').isDisabled()).toBe(true);
    expect(await t.page.getByTestId('export-locked').textContent()).toBe('Exports need a supervisor or an admin; your role is operator.');
    await signIn(t.page, USERS.operator);
    expect(await t.page.getByTestId('export-button').isDisabled()).toBe(true);
    expect(await t.page.getByTestId('error-banner').count()).toBe(0);
    await t.page.getByTestId('account-signout').click();
  });

  it('a supervisor presses Export once and the file downloads', async () => {
    await signIn(t.page, USERS.supervisor);
    await expect.poll(() => t.page.getByTestId('export-button').isDisabled()).toBe(false);
    expect(await t.page.getByTestId('export-locked').count()).toBe(0);
    const [download] = await Promise.all([t.page.waitForEvent('download', { timeout: 60_000 }), t.page.getByTestId('export-button').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = (await readFile(await download.path())).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).split('\r\n').filter((l) => l.length > 0);
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(4);
    // What was saved is said, with a way to save it again.
    expect(await t.page.getByTestId('export-done').textContent()).toContain(download.suggestedFilename());
    expect(await t.page.getByTestId('error-banner').count()).toBe(0);
    expect(t.pageErrors).toEqual([]);
  });
});
