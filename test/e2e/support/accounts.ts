import { spawn } from 'node:child_process';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from './paths';

/** `npm run SCRIPT -- ARGS --data-dir DATA_DIR` with `stdin`, as a person at the station would run it. */
export function runCli(dataDir: string, script: 'users' | 'audit', args: string[], stdin = ''): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', script, '--', ...args, '--data-dir', dataDir], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
    child.stdin.end(stdin);
  });
}

/** Signs in through the account badge's dialog and waits until the badge names the user. */
export async function signIn(p: Page, name: string, secret: string, mode: 'password' | 'pin', screenshot?: string) {
  await p.getByTestId('account-signin').click();
  if (mode === 'pin') await p.getByTestId('login-mode-pin').click();
  await p.getByTestId('login-name').fill(name);
  await p.getByTestId('login-secret').fill(secret);
  if (screenshot) await p.screenshot({ path: screenshot });
  await p.getByTestId('login-submit').click();
  await p.getByTestId('login-dialog').waitFor({ state: 'detached' });
  await expect.poll(() => p.getByTestId('account-who').textContent()).toContain(name);
}
