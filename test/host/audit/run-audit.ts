import { vi } from 'vitest';
import { command as auditCommand } from '../../../host/cli/commands/audit';

/** Runs `audit ARGS --data-dir DIR` in process and returns its exit code and what it printed. */
export async function runAudit(dataDir: string, args: string[]): Promise<{ code: number; out: string }> {
  const writes: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    return { code: await auditCommand.run([...args, '--data-dir', dataDir]), out: writes.join('') };
  } finally {
    spy.mockRestore();
  }
}
