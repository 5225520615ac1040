import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** 'each': a fresh one for every test of the file; 'all': one shared by the file's tests. */
export type TempScope = 'each' | 'all';

/** Runs `setUp` before and `tearDown` after every test, or once around the file's tests. */
export function around(scope: TempScope, setUp: () => Promise<void>, tearDown: () => Promise<void>): void {
  if (scope === 'each') {
    beforeEach(setUp);
    afterEach(tearDown);
  } else {
    beforeAll(setUp);
    afterAll(tearDown);
  }
}

/** A new empty folder under the system's temporary folder. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * A temporary folder made before the tests and removed after them, handed to `made` (the file
 * keeps it in its own variable: `let dir: string; useTempDir('db-', (d) => (dir = d));`).
 */
export function useTempDir(prefix: string, made: (dir: string) => void, scope: TempScope = 'each'): void {
  let dir = '';
  around(
    scope,
    async () => {
      dir = await makeTempDir(prefix);
      made(dir);
    },
    () => removeDir(dir),
  );
}
