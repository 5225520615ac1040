import type { WebSocket } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkip, stationPageSuite } from './support/served-station';

/**
 * A page left alone asks the host for what a screen shows when it opens, then waits for the
 * host's events: it does not keep asking. Every request takes its turn on the host's one thread,
 * the thread the line's verdicts wait on.
 */
const skip = browserSkip('the idle page browser test');

const t = stationPageSuite(skip, {
  name: 'idle-page',
  hash: '#/review',
  prepare: (served) => served.inspectFlagrant(2),
});

/** The requests the page sends while `during` runs, by method. */
async function requestsWhile(socket: WebSocket, during: () => Promise<void>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const onFrame = (frame: { payload: string | Buffer }) => {
    const method = /"method":"([^"]+)"/.exec(String(frame.payload))?.[1] ?? 'other';
    counts[method] = (counts[method] ?? 0) + 1;
  };
  socket.on('framesent', onFrame);
  await during().finally(() => socket.off('framesent', onFrame));
  return counts;
}

describe.skipIf(skip !== null)('an idle page', () => {
  it('asks for what each screen shows, once', async () => {
    // The socket opened before the test: reload to see it open.
    const opened = t.page.waitForEvent('websocket');
    await t.page.reload();
    const socket = await opened;
    await t.page.locator('[data-testid="connection"][data-state="open"]').waitFor();
    const screens = [
      { hash: '#/review', loaded: 'review-verdict' },
      { hash: '#/inspect', loaded: 'camera-view' },
      { hash: '#/history', loaded: 'history-row' },
      { hash: '#/recipes', loaded: 'recipes-screen' },
    ];
    for (const { hash, loaded } of screens) {
      const requests = await requestsWhile(socket, async () => {
        await t.page.evaluate((h) => (window.location.hash = h), hash);
        await t.page.getByTestId(loaded).first().waitFor();
        // The measurement: a page that keeps asking sends hundreds of requests in this time.
        await t.page.waitForTimeout(1500);
      });
      // Opening a screen asks for each thing once or twice (again when the session or the
      // connection it depends on settles).
      expect(Math.max(0, ...Object.values(requests)), `${hash}: ${JSON.stringify(requests)}`).toBeLessThanOrEqual(3);
    }
    expect(t.pageErrors).toEqual([]);
  });
});
