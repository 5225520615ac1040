import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../common/api';
import { browserLanguage, chooseLanguage } from '../../../renderer/src/i18n/choose-language';
import { CATALOGUES } from '../../../renderer/src/i18n/catalogues';
import { en } from '../../../renderer/src/i18n/messages.en';
import { createTranslator } from '../../../renderer/src/i18n/translate';

const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogues', () => {
  const keys = Object.keys(en).sort();

  it.each(LANGUAGES)('%s has every English key, no other, none empty, with the same named parameters', (language) => {
    const messages: Record<string, string> = CATALOGUES[language];
    expect(Object.keys(messages).sort()).toEqual(keys);
    for (const key of keys) {
      const text = messages[key] ?? '';
      expect(text.trim(), key).not.toBe('');
      expect(params(text), key).toEqual(params(en[key as keyof typeof en]));
    }
  });

  it('has both forms of every plural and {count} in each', () => {
    for (const key of keys.filter((k) => k.endsWith('.one') || k.endsWith('.other'))) {
      const base = key.replace(/\.(one|other)$/, '');
      expect(keys, key).toContain(`${base}.one`);
      expect(keys, key).toContain(`${base}.other`);
      expect(en[key as keyof typeof en], key).toContain('{count}');
    }
  });

  it('German is German: the screens and labels a user reads first differ from English', () => {
    for (const key of ['nav.inspect', 'nav.history', 'camera.capture', 'history.apply', 'history.col.time', 'verdict.pass', 'account.signIn'] as const) {
      expect(CATALOGUES.de[key], key).not.toBe(en[key]);
    }
  });
});

describe('createTranslator', () => {
  it('fills named parameters, numbers in the locale', () => {
    const de = createTranslator('de');
    expect(de.t('recipes.saved', { name: 'cap', version: 2, t1: 0.33, t2: 0.66 })).toBe('cap v2 gespeichert: T1 0,33 / T2 0,66');
    expect(createTranslator('en').t('recipes.saved', { name: 'cap', version: 2, t1: 0.33, t2: 0.66 })).toBe('Saved cap v2: T1 0.33 / T2 0.66');
    expect(de.num(0.5, 3)).toBe('0,500');
    expect(createTranslator('en').num(12345.678, 1)).toBe('12345.7');
    expect(de.percent(0.55)).toMatch(/^55\s%$/);
  });

  it('picks the plural form for the count', () => {
    const en1 = createTranslator('en');
    expect(en1.plural('audit.intact', 1)).toBe('Chain intact (1 row)');
    expect(en1.plural('audit.intact', 12)).toBe('Chain intact (12 rows)');
    const de = createTranslator('de');
    expect(de.plural('recipes.images', 1)).toBe('1 Bild');
    expect(de.plural('recipes.images', 6)).toBe('6 Bilder');
    expect(de.plural('golden.confirmed', 6, { by: 'olga', recipe: 'cap', version: 3 })).toBe('Vorschlag von olga bestätigt: cap ist jetzt v3 mit 6 Gutteil-Bildern');
  });

  it('writes dates in the locale of the language, the browser variant when it has one', () => {
    const at = '2026-11-26T08:05:09Z';
    expect(createTranslator('de').dateTime(at)).toMatch(/^26\.11\.2026, \d\d:05:09$/);
    expect(createTranslator('en', ['en-GB', 'de']).dateTime(at)).toMatch(/^26\/11\/2026, \d\d:05:09$/);
    expect(createTranslator('en', ['de-DE']).locale).toBe('en');
    expect(createTranslator('de', ['en-US', 'de-AT']).locale).toBe('de-AT');
    expect(createTranslator('de').dateTime('not a date')).toBe('not a date');
  });

  it('types parameters from the English text', () => {
    const en1 = createTranslator('en');
    // Checked by tsc (npx tsc -p . --noEmit), never run.
    const misuses = () => [
      // @ts-expect-error: recipes.saved needs its parameters
      en1.t('recipes.saved'),
      // @ts-expect-error: no such key
      en1.t('nav.nowhere'),
      // @ts-expect-error: nav.inspect takes no parameters
      en1.t('nav.inspect', { x: 1 }),
      // @ts-expect-error: a plural is asked for by its base key
      en1.plural('audit.intact.one', 2),
    ];
    expect(misuses).toBeTypeOf('function');
    expect(en1.t('nav.inspect')).toBe('Inspect');
  });
});

describe('chooseLanguage', () => {
  const who = (language: 'en' | 'de' | null, signedIn = true) => ({ user: 'u', role: 'operator' as const, signedIn, idleLockMs: 1, language });

  it('follows the page choice, else the host (user, else station default), else the browser', () => {
    expect(chooseLanguage(who('de'), null, ['en-US'])).toBe('de');
    expect(chooseLanguage(who('de'), 'en', ['en-US'])).toBe('en');
    expect(chooseLanguage(who(null, false), null, ['fr-FR', 'de-CH'])).toBe('de');
    expect(chooseLanguage(null, null, ['fr-FR'])).toBe('en');
    expect(browserLanguage(['DE'])).toBe('de');
  });
});
