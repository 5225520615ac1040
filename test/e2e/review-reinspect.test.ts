import { describe, expect, it } from 'vitest';
import type { InspectionRecord, Results } from '../../common/api';
import { browserSkip, RECIPE, stationPageSuite, USERS } from './support/served-station';

/**
 * "Re-inspect" on the Review screen inspects the part's stored image again with the recipe as it
 * is now, records that inspection like any other and shows its result; when the recipe has not
 * changed since, it says that the stored image can only give the same answer.
 */
const skip = browserSkip('the re-inspect browser test');

const t = stationPageSuite(skip, {
  name: 'reinspect',
  hash: '#/review',
  prepare: (served) => t.served.inspectFlagrant(2),
});

async function history(): Promise<Results['history.query']> {
  return (await t.served.station.call('history.query', { filter: {}, limit: 50, offset: 0 })) as Results['history.query'];
}

describe.skipIf(skip !== null)('Re-inspect on the Review screen', () => {
  it('on an unchanged recipe: inspects the stored image again, records it, and says the answer cannot differ', async () => {
    await expect.poll(() => t.page.getByTestId('review-item').count()).toBe(2);
    const selected = t.page.locator('[data-testid="review-item"].selected');
    await expect.poll(() => selected.getAttribute('data-id')).not.toBeNull();
    const first = (await selected.getAttribute('data-id')) as string;
    const verdictThen = (await t.page.getByTestId('review-verdict').textContent()) as string;

    await t.page.keyboard.press('r');
    const note = t.page.getByTestId('review-reinspected');
    await expect.poll(() => note.textContent(), { timeout: 60_000 }).toMatch(
      new RegExp(`^Re-inspected with ${RECIPE} v1: ${verdictThen} · score \\d+\\.\\d{3} \\(was ${verdictThen} with v1\\)`),
    );
    expect(await note.textContent()).toContain('Same recipe version as the first inspection: the stored image gives the same answer. To judge the part anew, put it under the camera again.');
    const rows = (await history()).rows;
    expect(rows).toHaveLength(3);
    const again = rows.find((r) => r.id !== first && r.operator === 'operator' && r.recipeVersion === 1);
    expect(again?.verdict).toBe(verdictThen.toLowerCase());
    expect(rows.find((r) => r.id === first)?.decision).toBe('reinspect');
    // The new inspection is flagged like the first: it waits for review in its place.
    await expect.poll(() => t.page.getByTestId('review-item').count()).toBe(2);
    await expect.poll(() => t.page.locator(`[data-testid="review-item"][data-id="${again?.id}"]`).count()).toBe(1);
  });

  it('after the band changed: the new recipe version\'s answer, and the queue as the host has it', async () => {
    const selected = t.page.locator('[data-testid="review-item"].selected');
    const id = (await selected.getAttribute('data-id')) as string;
    // A band above this part's score: today's recipe passes it.
    const queue = (await t.served.station.call('review.queue', { limit: 10 })) as Results['review.queue'];
    const score = queue.items.find((i) => i.id === id)?.score ?? Infinity;
    expect(score * 1.5).toBeLessThan(10);
    await t.served.station.call('recipes.setBand', { recipe: RECIPE, band: { t1: score * 1.5, t2: Math.min(10, score * 2) } }, { user: USERS.engineer.name });
    const verdictThen = (await t.page.getByTestId('review-verdict').textContent()) as string;
    await t.page.keyboard.press('r');
    const note = t.page.getByTestId('review-reinspected');
    await expect.poll(() => note.textContent(), { timeout: 60_000 }).toMatch(new RegExp(`^Re-inspected with ${RECIPE} v2: (PASS|REVIEW) · score \\d+\\.\\d{3} \\(was ${verdictThen} with v1\\)`));
    const again = (await history()).rows.find((r) => r.recipeVersion === 2);
    expect(again?.score).toBeLessThan(score * 1.5);
    // The band passes it; the model's answer may still send it to REVIEW (a flag says why). Once
    // the answer is recorded, the note and the queue are as the host has them.
    const answered = async () => ((await t.served.station.call('inspections.get', { id: again?.id ?? '' })) as InspectionRecord).dialog.some((t) => t.role === 'assistant');
    await expect.poll(answered, { timeout: 60_000 }).toBe(true);
    const hostQueue = async () => ((await t.served.station.call('review.queue', { limit: 10 })) as Results['review.queue']).items.map((i) => i.id).sort();
    const shownQueue = async () => (await t.page.getByTestId('review-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).sort();
    await expect.poll(async () => JSON.stringify(await shownQueue()), { timeout: 30_000 }).toBe(JSON.stringify(await hostQueue()));
    const recorded = (await history()).rows.find((r) => r.id === again?.id);
    await expect.poll(() => note.textContent()).toContain(`v2: ${recorded?.verdict.toUpperCase()} ·`);
    if (recorded?.verdict === 'pass') expect(await shownQueue()).not.toContain(again?.id);
    else expect(await note.textContent()).toMatch(/\) *\. \S/);
    expect(await shownQueue()).not.toContain(id);
    expect((await history()).total).toBe(4);
    expect(t.pageErrors).toEqual([]);
  });
});
