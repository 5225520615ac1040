import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Language } from '../../../common/api';
import { openStation, type Station } from '../../../host/station';
import type { ExpertBackend } from '../../../host/recipes/expert-backend';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { writeGoldenFolder } from '../fixtures/images';

/** A station with the tiny real expert (or `experts`), one recipe and one user per role (low scrypt cost for speed). */
export const PASSWORDS = { engineer: 'engineer-pass-1', supervisor: 'supervisor-pass-1', admin: 'admin-pass-1', operator: 'operator-pass-1' } as const;

export async function stationWithUsers(
  options: { sessionIdleMs?: number; language?: Language; experts?: ExpertBackend } = {},
): Promise<{ station: Station; dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'roles-'));
  const station = await openStation({
    dataDir: join(dir, 'data'),
    device: 'cpu',
    experts: options.experts ?? meanImageBackend,
    scryptCost: { N: 2 ** 12, r: 8, p: 1 },
    sessionIdleMs: options.sessionIdleMs,
    ...(options.language ? { language: options.language } : {}),
  });
  await station.testInternals.recipes.create({ name: 'bracket', referencesDir: await writeGoldenFolder(join(dir, 'golden'), 4), expert: 'patchcore', prompts: [], author: 'setup' });
  for (const role of ['engineer', 'supervisor', 'admin', 'operator'] as const) {
    await station.testInternals.accounts.add('setup', { name: `${role}1`, role, password: PASSWORDS[role], ...(role === 'operator' ? { pin: '4321' } : {}) });
  }
  return {
    station,
    dir,
    async cleanup() {
      await station.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
