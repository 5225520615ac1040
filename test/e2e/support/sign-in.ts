import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ARTIFACTS } from './paths';

/** Signs in through the account badge's dialog, as a user would, and waits until the badge names the user. */
export async function signIn(p: Page, name: string, secret: string, mode: 'password' | 'pin', screenshot?: string) {
  await p.getByTestId('account-signin').click();
  if (mode === 'pin') await p.getByTestId('login-mode-pin').click();
  await p.getByTestId('login-name').fill(name);
  await p.getByTestId('login-secret').fill(secret);
  if (screenshot) await p.screenshot({ path: join(ARTIFACTS, screenshot) });
  await p.getByTestId('login-submit').click();
  await p.getByTestId('login-dialog').waitFor({ state: 'detached' });
  await expect.poll(() => p.getByTestId('account-who').textContent()).toContain(name);
}
