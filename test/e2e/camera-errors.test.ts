import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserSkip, cameraShown, stationPageSuite } from './support/served-station';

/** A camera source that fails to open, then a working one: the failure's banner goes with it. */
const skip = browserSkip('the camera error browser test');

const t = stationPageSuite(skip, { name: 'camera-errors', opened: cameraShown });

describe.skipIf(skip !== null)('camera errors on the Inspect screen', () => {
  it('clears the banner of a source that failed once a working source is open', async () => {
    const banners = t.page.getByTestId('error-banner');
    expect(await banners.count()).toBe(0);
    await t.page.getByTestId('camera-source').selectOption('__custom__');
    await t.page.getByLabel('Camera source spec').fill(`folder:${join(t.root, 'no-such-folder')}`);
    await t.page.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => banners.count()).toBe(1);
    expect(await banners.first().getAttribute('data-code')).toBe('NOT_FOUND');
    expect(await banners.first().textContent()).toContain('No such camera folder');

    await t.page.getByTestId('camera-source').selectOption(t.served.camera);
    await expect.poll(() => t.page.getByTestId('camera-view').locator('img').getAttribute('alt')).toBe('Camera frame 01-scratch.png');
    await expect.poll(() => banners.count()).toBe(0);
    expect(t.pageErrors).toEqual([]);
  });
});
