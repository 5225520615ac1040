import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const REPO = join(__dirname, '..', '..', '..');
const WORKER = join(__dirname, 'line-kill-worker.ts');

/**
 * Starts line-kill-worker.ts with `args`; `spawned` gets the process at once (so a failing test can
 * still kill it), the promise once its station is open.
 */
export function startKillWorker(args: readonly string[], spawned: (c: ChildProcess) => void): Promise<ChildProcess> {
  // node with the tsx loader (one process): SIGKILL of the tsx CLI would leave the host running in a grandchild.
  const c = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned(c);
  let stderr = '';
  c.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: c.stdout! }).on('line', (line) => line === 'ready' && resolve(c));
    c.on('exit', (code, signal) => signal !== 'SIGKILL' && reject(new Error(`worker exited with ${code}: ${stderr}`)));
  });
}
