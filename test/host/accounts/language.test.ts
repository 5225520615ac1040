import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { openStation, type Station } from '../../../host/station';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { PASSWORDS, stationWithUsers } from './users-fixture';

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function login(station: Station, name: string, password: string): Promise<string> {
  return ((await station.call('auth.login', { name, password })) as Results['auth.login']).token;
}

async function languageOf(station: Station, session?: string): Promise<string | null> {
  return ((await station.call('auth.whoami', {}, session === undefined ? {} : { session })) as Results['auth.whoami']).language;
}

describe('a user keeps their UI language (preferences.setLanguage)', () => {
  it('is kept per user across sign-ins and a restart of the station, audited, and leaves other users and the signed-out screen alone', async () => {
    const s = await stationWithUsers();
    cleanup = s.cleanup;
    const erin = await login(s.station, 'engineer1', PASSWORDS.engineer);
    expect(await languageOf(s.station, erin)).toBeNull();
    const who = (await s.station.call('preferences.setLanguage', { language: 'de' }, { session: erin })) as Results['preferences.setLanguage'];
    expect(who).toMatchObject({ user: 'engineer1', signedIn: true, language: 'de' });

    const olga = await login(s.station, 'operator1', PASSWORDS.operator);
    expect(await languageOf(s.station, olga)).toBeNull();
    expect(await languageOf(s.station)).toBeNull();
    const audit = s.station['db'].prepare("SELECT actor, subject, details_json FROM audit_log WHERE action = 'user.language'").all();
    expect(audit).toEqual([{ actor: 'engineer1', subject: 'engineer1', details_json: JSON.stringify({ language: 'de' }) }]);

    await s.station.close();
    const reopened = await openStation({ dataDir: join(s.dir, 'data'), device: 'cpu', experts: meanImageBackend, scryptCost: { N: 2 ** 12, r: 8, p: 1 } });
    cleanup = async () => {
      await reopened.close();
      await s.cleanup();
    };
    const again = await login(reopened, 'engineer1', PASSWORDS.engineer);
    expect(await languageOf(reopened, again)).toBe('de');
    await reopened.call('preferences.setLanguage', { language: 'en' }, { session: again });
    expect(await languageOf(reopened, await login(reopened, 'engineer1', PASSWORDS.engineer))).toBe('en');
  });

  it('refuses the signed-out station operator and a language the UI does not have', async () => {
    const s = await stationWithUsers();
    cleanup = s.cleanup;
    await expect(s.station.call('preferences.setLanguage', { language: 'de' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/^Sign in to keep a language/) });
    const erin = await login(s.station, 'engineer1', PASSWORDS.engineer);
    await expect(s.station.call('preferences.setLanguage', { language: 'fr' }, { session: erin })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('language'),
    });
    expect(await languageOf(s.station, erin)).toBeNull();
  });

  it('gives the station default to the signed-out screen and to users who chose none', async () => {
    const s = await stationWithUsers({ language: 'de' });
    cleanup = s.cleanup;
    expect(await languageOf(s.station)).toBe('de');
    const erin = await login(s.station, 'engineer1', PASSWORDS.engineer);
    expect(await languageOf(s.station, erin)).toBe('de');
    await s.station.call('preferences.setLanguage', { language: 'en' }, { session: erin });
    expect(await languageOf(s.station, erin)).toBe('en');
    expect(await languageOf(s.station)).toBe('de');
  });
});
