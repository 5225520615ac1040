import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Runs node natively or on an emulated CPU model with QEMU's user-mode emulator: an emulated
 * Haswell (AVX2, no AVX512, no VNNI) and an emulated Nehalem (SSE4.2 only) are the int8 paths a
 * station PC may take that the test machine's own CPU may not. .ci/run installs Debian's qemu-user.
 */
export const ROOT = resolve(__dirname, '../..');
export const QEMU = ((): string | null => {
  const found = spawnSync('sh', ['-c', 'command -v qemu-x86_64'], { encoding: 'utf8' });
  return found.status === 0 && process.arch === 'x64' ? found.stdout.trim() : null;
})();
export const SKIP_QEMU = 'skipped: qemu-x86_64 (Debian qemu-user) is not installed, so no other CPU can be emulated';

export type Cpu = 'native' | 'Haswell' | 'Nehalem';

/** `node ARGS` in the repository root on `cpu`; returns its standard output. */
export function runNodeOn(cpu: Cpu, args: string[]): string {
  const [command, argv] = cpu === 'native' ? [process.execPath, args] : [QEMU as string, ['-cpu', cpu, process.execPath, ...args]];
  return execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT, encoding: 'utf8' });
}
