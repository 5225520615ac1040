import { writeFileAtomic } from '../store/atomic-write';

/** Writes the one JSON object of `--out FILE` (docs/contracts.md §Command line); nothing else is parsed from stdout. */
export async function writeJsonOut(path: string | null, value: unknown): Promise<void> {
  if (path === null) return;
  await writeFileAtomic(path, Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'));
}
