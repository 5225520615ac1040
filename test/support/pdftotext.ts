import { execFileSync } from 'node:child_process';

/** Whether poppler's pdftotext can run here (`-v` exits 0 on current poppler, 99 on older releases). */
export function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'pipe' });
    return true;
  } catch (err) {
    const status = (err as { status?: number }).status;
    return status === 0 || status === 99;
  }
}
