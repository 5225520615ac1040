/**
 * Schema 17: the dialog model's visual adaptation of each recipe version (issue 17, item 2;
 * host/recipes/recipe-adaptations.ts). Recipe versions are never edited, and an older version is
 * adapted on its first use, so the adaptation is a row of its own, written once per version:
 * - `fitted`: the adapter's file in the version's recipe folder (`file`, relative to it), its
 *   `sha256`, and in `meta_json` what it was fitted on (input, backbone, channels and grid, the
 *   goldens' image sha256s in order, bank size and seed), so a replay or a later inspection can
 *   tell a stale or damaged one;
 * - `unfit`: the goldens cannot be adapted to (uniform images, goldens of different products), with
 *   the `reason` the station gives in answers instead of guessing.
 */
export const up = `
CREATE TABLE recipe_adaptations (
  recipe_id INTEGER PRIMARY KEY REFERENCES recipes(id),
  input TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('fitted', 'unfit')),
  file TEXT,
  sha256 TEXT,
  reason TEXT,
  meta_json TEXT NOT NULL,
  fitted_at TEXT NOT NULL,
  CHECK ((status = 'fitted') = (file IS NOT NULL AND sha256 IS NOT NULL)),
  CHECK ((status = 'unfit') = (reason IS NOT NULL))
);
`;
