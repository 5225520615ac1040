import { describe, expect, it } from 'vitest';
import type { Results } from '../../common/api';
import { browserSkip, stationPageSuite } from './support/served-station';

/**
 * A decision key pressed the moment a part appears on the Review screen decides that part. The
 * page runs on a CPU slowed down as a busy station PC's is, where React paints the part in one
 * task and runs its effects in a later one; the key comes in between: sent from the page itself as
 * soon as the part's verdict is in the DOM.
 */
const skip = browserSkip('the review first key browser test');

const t = stationPageSuite(skip, {
  name: 'review-first-key',
  hash: '#/review',
  prepare: (served) => served.inspectFlagrant(2),
});

/** Presses G on the page as soon as the Review screen shows a part (an init script: it runs on every load). */
function pressGoodOnFirstPart(): void {
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="review-verdict"]')) return;
    observer.disconnect();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'g', bubbles: true, cancelable: true }));
  });
  observer.observe(document, { childList: true, subtree: true });
}

describe.skipIf(skip !== null)('the first key on the Review screen', () => {
  it('decides the part that has just appeared', async () => {
    const queue = (await t.served.station.call('review.queue', { limit: 10 })) as Results['review.queue'];
    const first = queue.items[0]?.id;
    const cdp = await t.context.newCDPSession(t.page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 });
    await t.page.addInitScript(pressGoodOnFirstPart);
    await t.page.reload();
    const result = t.page.getByTestId('review-result');
    await expect.poll(() => result.getAttribute('data-for'), { timeout: 60_000 }).toBe(first);
    expect(await result.textContent()).toContain('Marked good');
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const history = (await t.served.station.call('history.query', { filter: {}, limit: 10, offset: 0 })) as Results['history.query'];
    expect(history.rows.find((r) => r.id === first)?.decision).toBe('good');
    expect(t.pageErrors).toEqual([]);
  });
});
