import { describe, expect, it } from 'vitest';
import type { Results } from '../../common/api';
import { browserSkip, stationPageSuite } from './support/served-station';

/**
 * The Review screen moves to the next part after each decision; what the reviewer chose for one
 * part (its defect type, the "Marked good" note) must not carry over to the next undecided part.
 */
const skip = browserSkip('the review item state browser test');

const t = stationPageSuite(skip, {
  name: 'review-state',
  hash: '#/review',
  prepare: (served) => t.served.inspectFlagrant(4),
});

describe.skipIf(skip !== null)('per-part state on the Review screen', () => {
  it('each part starts with no defect type chosen, and the previous decision is not shown over it', async () => {
    const queued = ((await t.served.station.call('review.queue', { limit: 50 })) as Results['review.queue']).total;
    expect(queued).toBeGreaterThanOrEqual(3);
    await expect.poll(() => t.page.getByTestId('review-item').count()).toBe(queued);
    const part = t.page.getByRole('region', { name: 'Part' });
    const selectedId = () => t.page.locator('[data-testid="review-item"].selected').getAttribute('data-id');
    await expect.poll(selectedId).not.toBeNull();

    const first = await selectedId();
    await t.page.getByTestId('review-defect-type').selectOption('stain');
    await t.page.getByTestId('review-reason').fill('stain near the rim');
    await t.page.getByTestId('review-confirm-defect').click();
    await expect.poll(() => t.page.getByTestId('review-result').textContent()).toContain('Confirmed defect (stain)');
    await expect.poll(selectedId).not.toBe(first);
    // The next part: nothing chosen for it yet.
    expect(await t.page.getByTestId('review-defect-type').inputValue()).toBe('');
    expect(await t.page.getByTestId('review-reason').inputValue()).toBe('');
    expect(await part.textContent()).not.toContain('Confirmed defect');

    const second = await selectedId();
    await t.page.keyboard.press('g');
    await expect.poll(() => t.page.getByTestId('review-result').textContent()).toContain('Marked good');
    await expect.poll(selectedId).not.toBe(second);
    expect(await part.textContent()).not.toContain('Marked good');
    expect(await t.page.getByTestId('review-defect-type').inputValue()).toBe('');
    // The note names the part it is about, which is no longer in the queue.
    expect(await t.page.getByTestId('review-result').getAttribute('data-for')).toBe(second);

    // Confirming a defect with no type chosen asks for one and records nothing.
    const third = await selectedId();
    await t.page.keyboard.press('d');
    await expect.poll(() => t.page.getByTestId('review-defect-needed').isVisible()).toBe(true);
    expect(await selectedId()).toBe(third);
    expect(((await t.served.station.call('review.queue', { limit: 50 })) as Results['review.queue']).total).toBe(queued - 2);
    expect(t.pageErrors).toEqual([]);
  });
});
