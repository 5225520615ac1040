import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Language, RecipeVersionInfo } from '../../../common/api';
import { I18nProvider } from '../../../renderer/src/i18n/I18nProvider';
import { VersionTable } from '../../../renderer/src/recipes/VersionTable';

/**
 * The Recipes screen's versions table, rendered to markup in Node: each version says the expert
 * options it was fitted with, as the recipe's own facts say the newest one's.
 */
const version = (n: number, expertOptions: RecipeVersionInfo['expertOptions']): RecipeVersionInfo => ({
  version: n,
  band: { t1: 0.4, t2: 0.6 },
  goldenCount: 12,
  expertOptions,
  createdBy: 'engineer1',
  createdAt: '2026-03-01T08:00:00.000Z',
});
// A refit at a larger working size with tiles (v3), one at the expert's defaults (v2), and v1 with an option only the command line sets.
const VERSIONS = [version(3, { inputSize: 384, tile: { size: 128, overlap: 32 } }), version(2, null), version(1, { syntheticAnomalies: 16 })];

/** The text of each row's options cell, in row order. */
function optionsCells(language: Language): string[] {
  // I18nProvider reads the browser's languages for its locale; Node 20 has no navigator.
  vi.stubGlobal('navigator', { languages: [] });
  const html = renderToStaticMarkup(
    <I18nProvider language={language}>
      <VersionTable versions={VERSIONS} />
    </I18nProvider>,
  );
  return [...html.matchAll(/<td data-testid="recipe-version-options">([^<]*)<\/td>/g)].map((m) => m[1] ?? '');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the versions table', () => {
  it('says the options each version was fitted with, or the defaults', () => {
    expect(optionsCells('en')).toEqual(['working size 384 px on the short side · tiles 128 px, overlap 32 px', 'defaults', 'syntheticAnomalies: 16']);
  });

  it('says them in German too', () => {
    expect(optionsCells('de')).toEqual(['Arbeitsgröße 384 px an der kurzen Seite · Kacheln 128 px, Überlappung 32 px', 'Standardwerte', 'syntheticAnomalies: 16']);
  });

  it('heads the column like the recipe’s own facts', () => {
    const html = renderToStaticMarkup(<VersionTable versions={VERSIONS} />);
    expect(html).toContain('<th>Expert options</th>');
  });
});
