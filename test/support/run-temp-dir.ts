import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest globalSetup: the whole run's temporary files go under one folder that is removed when the
 * run ends. Many tests make data dirs, model stores and child stations under os.tmpdir(); a folder a
 * test forgets, or one a killed child leaves behind, would otherwise stay on the machine after every
 * run. TMPDIR is read by os.tmpdir() on every call and inherited by the test workers and every child
 * process a test starts (stations, Python, Chromium).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'myriad-test-run-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return async () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    await rm(dir, { recursive: true, force: true });
  };
}
