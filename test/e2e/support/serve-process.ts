import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from './paths';

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  stdout(): string;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Runs `npm run serve -- ARGS` in its own process group and resolves once it printed its URL.
 * `stop` sends SIGTERM to the group (npm, tsx and node) and waits for it to exit.
 */
export function startServe(args: string[], timeoutMs = 150_000): Promise<ServeProcess> {
  const child = spawn('npm', ['run', '-s', 'serve', '--', ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve printed no URL within ${timeoutMs} ms. stderr:\n${err}`));
    }, timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(out)?.[0];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child, stdout: () => out, stderr: () => err, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL. stderr:\n${err}`));
    });
  });
}
