import { describe, expect, it } from 'vitest';
import type { Results } from '../../common/api';
import { browserSkip, signIn, stationPageSuite, USERS } from './support/served-station';

/**
 * A History row opens its inspection: the image, the heatmap, the model's dialog, and (for the
 * roles that may) a replay through today's recipe, by click or by keyboard.
 */
const skip = browserSkip('the history detail browser test');

const t = stationPageSuite(skip, {
  name: 'history-detail',
  hash: '#/history',
  prepare: async (served) => {
    await t.served.inspect(['02-good.png']);
    await t.served.inspectFlagrant(1);
  },
});

async function inspectionCount(): Promise<number> {
  return ((await t.served.station.call('history.query', { filter: {}, limit: 10, offset: 0 })) as Results['history.query']).total;
}

describe.skipIf(skip !== null)('opening a History row', () => {
  it('a click opens the row\'s image, heatmap and dialog; Enter opens another; Escape closes it', async () => {
    const rows = t.page.getByTestId('history-row');
    await expect.poll(() => rows.count()).toBe(2);
    const detail = t.page.getByTestId('history-detail');
    expect(await detail.count()).toBe(0);

    // Newest first: the flagrant part is the first row.
    await rows.nth(0).click();
    await detail.waitFor();
    const firstId = await rows.nth(0).getAttribute('data-id');
    expect(await detail.getAttribute('data-id')).toBe(firstId);
    await expect.poll(() => detail.getByRole('img', { name: 'Inspected part' }).first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    await expect.poll(() => detail.getByTestId('heatmap').getAttribute('data-ready')).toBe('true');
    expect(await detail.getByTestId('review-verdict').textContent()).toMatch(/^(FAIL|REVIEW)$/);
    expect(await detail.getByTestId('review-dialog-turn').first().textContent()).toMatch(/^Model:\s+(Yes|No)\b/);

    await rows.nth(1).focus();
    await t.page.keyboard.press('Enter');
    await expect.poll(() => detail.getAttribute('data-id')).toBe(await rows.nth(1).getAttribute('data-id'));
    expect(await detail.getByTestId('review-verdict').textContent()).toBe('PASS');

    await t.page.keyboard.press('Escape');
    await expect.poll(() => detail.count()).toBe(0);
  });

  it('replays the opened row through today\'s recipe for a supervisor, not for an operator, and records nothing', async () => {
    const rows = t.page.getByTestId('history-row');
    await rows.nth(0).click();
    const detail = t.page.getByTestId('history-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('history-replay').isDisabled()).toBe(true);
    expect(await detail.textContent()).toContain('Engineers, supervisors and admins replay inspections');

    await signIn(t.page, USERS.supervisor);
    const before = await inspectionCount();
    await expect.poll(() => detail.getByTestId('history-replay').isDisabled()).toBe(false);
    await detail.getByTestId('history-replay').click();
    const line = detail.getByTestId('replay-verdict');
    await expect.poll(() => line.textContent()).toMatch(/^Today's setup agrees: (FAIL|REVIEW) then, (FAIL|REVIEW) today · score Δ [+-]0\.0000 \(not recorded\)$/);
    expect(await inspectionCount()).toBe(before);
    expect(t.pageErrors).toEqual([]);
  });
});
