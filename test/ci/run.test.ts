import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** .ci/run must run exactly what the README tells a person to run, after the same install. */
const REPO = resolve(__dirname, '..', '..');
const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const script = readFileSync(join(REPO, '.ci', 'run'), 'utf8');

/** The first shell block after a heading/list line containing `marker`. */
function shellBlockAfter(marker: string): string {
  const at = readme.indexOf(marker);
  expect(at, `README has "${marker}"`).toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(block, `a sh block after "${marker}"`).not.toBeNull();
  return block![1]!.trim();
}

function commands(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

describe('.ci/run', () => {
  it('is valid bash that stops on the first error', async () => {
    await promisify(execFile)('bash', ['-n', join(REPO, '.ci', 'run')]);
    expect(commands(script)).toContain('set -euo pipefail');
  });

  it('installs with the README offline switches, type-checks, then runs the README test command last', () => {
    const testCommand = shellBlockAfter('**Run the tests**');
    const setup = shellBlockAfter('**Run the app on its embedded default**');
    const install = 'ELECTRON_SKIP_BINARY_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip npm ci';
    expect(setup.startsWith(`${install} && `)).toBe(true);
    const lines = commands(script);
    expect(lines.slice(-3)).toEqual([install, 'npx tsc -p .', testCommand]);
  });

  it('installs the system packages the tests use, only when missing', () => {
    for (const pkg of ['chromium', 'python3-torch', 'python3-onnx', 'python3-pil', 'libopenblas0-pthread']) {
      expect(script).toContain(`missing+=(${pkg})`);
    }
    expect(script).toMatch(/if \[ "\$\{#missing\[@\]\}" -gt 0 \]; then[\s\S]*apt-get update[\s\S]*apt-get install/);
  });
});
