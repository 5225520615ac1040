import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Debian's Python, with the packages training uses (python3-torch, python3-onnx, python3-pil); never pyenv's. */
export const PYTHON = '/usr/bin/python3';
const ROOT = resolve(__dirname, '../..');

/** Whether PYTHON imports these modules ("numpy", "torch, numpy"): the skip condition of a test that needs them. */
export function pythonImports(modules: string): boolean {
  return spawnSync(PYTHON, ['-c', `import ${modules}`], { encoding: 'utf8' }).status === 0;
}

/**
 * Runs a Python script (its text) in the repository root and parses what it prints as JSON.
 * @throws Error with the script's standard error when it exits with another status than 0.
 */
export function runPythonJson(script: string, timeoutMs = 120_000): unknown {
  const r = spawnSync(PYTHON, ['-c', script], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`python exited with ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as unknown;
}
