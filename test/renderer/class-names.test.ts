import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_PROPOSAL_STATUSES, INSPECTION_FLAG_KINDS, MODEL_VERDICT_POLICIES, ReviewDecision, ROLE_NAMES, Verdict } from '../../common/api';

/**
 * The renderer's convention: classes are layout, data values go in data attributes
 * (`data-verdict="review"`, styled with `[data-verdict='review']`). A verdict once carried as a class
 * picked up the Review screen's `.review` grid on every screen that showed one.
 */
const RENDERER = join(__dirname, '..', '..', 'renderer', 'src');

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), ext) : e.name.endsWith(ext) ? [join(dir, e.name)] : [],
  );
}

/** Class names used in the selectors of a style sheet (declarations and comments left out). */
function selectorClasses(css: string): string[] {
  const selectors = css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('}')
    .map((chunk) => chunk.split('{').slice(0, -1).join(' '));
  return selectors.flatMap((s) => [...s.replace(/\[[^\]]*\]/g, '').matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)].map((m) => m[1] as string));
}

/** The `${...}` parts of every template-literal className in a TSX source. */
function interpolatedClassParts(tsx: string): string[] {
  return [...tsx.matchAll(/className=\{`([^`]*)`\}/g)].flatMap((m) => [...(m[1] as string).matchAll(/\$\{([^}]*)\}/g)].map((p) => (p[1] as string).trim()));
}

// Values the station sends or the UI derives from them, that a screen might show.
const DATA_VALUES = new Set<string>([
  ...Verdict.options,
  ...ReviewDecision.options,
  ...ROLE_NAMES,
  ...INSPECTION_FLAG_KINDS,
  ...GOLDEN_PROPOSAL_STATUSES,
  ...MODEL_VERDICT_POLICIES,
  'assistant',
  'streaming', 'done', 'error', 'cancelled',
  'connecting', 'open', 'closed',
  // a line adapter's connection and the station's state towards the line
  'off', 'connected', 'down', 'ready', 'busy', 'stopped',
]);

describe('renderer class names', () => {
  it('finds the classes of selectors and the interpolations of classNames', () => {
    expect(selectorClasses(".a.b:hover, .c > .d[data-x='.e'] { color: red; width: 0.5em } /* .f */ @media (x) { .g { } }")).toEqual(['a', 'b', 'c', 'd', 'g']);
    expect(interpolatedClassParts("<i className={`x ${v}`} /><b className={`y${c ? ' z' : ''}`} /><p className=\"q\" />")).toEqual(['v', "c ? ' z' : ''"]);
  });

  it('no style sheet selects a data value as a class', () => {
    const clashes = files(RENDERER, '.css').flatMap((f) =>
      selectorClasses(readFileSync(f, 'utf8')).filter((c) => DATA_VALUES.has(c)).map((c) => `${relative(RENDERER, f)}: .${c}`),
    );
    expect(clashes).toEqual([]);
  });

  it('a className interpolates only a condition between two literal class names, never a value', () => {
    const literalChoice = /^[\w.!&|=<>()\s'"-]+\?\s*'[\w -]*'\s*:\s*'[\w -]*'$/;
    const values = files(RENDERER, '.tsx').flatMap((f) =>
      interpolatedClassParts(readFileSync(f, 'utf8')).filter((p) => !literalChoice.test(p)).map((p) => `${relative(RENDERER, f)}: \${${p}}`),
    );
    expect(values).toEqual([]);
  });
});
