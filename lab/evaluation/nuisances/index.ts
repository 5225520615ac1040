import type { RgbImage } from '../../../host/imaging/rgb-image';
import { mulberry32 } from '../shots';
import { drawDust, LINT_VALUE } from './dust';
import { applyField, type NuisanceField } from './field';
import { drawGlare } from './glare';
import { drawShadow } from './shadow';

/**
 * Nuisances painted onto real good parts at test time (`evaluate --instructions`): what a line's
 * lighting and air put on a part without making it defective.
 */
export const NUISANCE_KINDS = ['shadow', 'glare', 'dust'] as const;
export type NuisanceKind = (typeof NUISANCE_KINDS)[number];

/**
 * The standing instruction that excuses each nuisance: texts of Myriad-S's instruction corpus
 * (native-models/myriad-s/myriad_s/corpus.py IGNORE_NUISANCE, where glare is "reflection"), so
 * the measure asks what the model was taught to follow; the shadow's is the paper's.
 */
export const NUISANCE_INSTRUCTIONS: Readonly<Record<NuisanceKind, string>> = {
  shadow: 'You can ignore the shadow cast when you detect anomalies.',
  glare: 'Ignore reflections.',
  dust: 'Ignore dust specks.',
};

export interface PaintedNuisance {
  kind: NuisanceKind;
  image: RgbImage;
  /** How strongly the nuisance acts at each pixel (H*W, [0,1]); 0 where the image is untouched. */
  field: NuisanceField;
}

/**
 * The seed of one painting: a function of the run's seed, the nuisance and the image's name (not
 * its position in the list), so a part gets the same shadow however the set is ordered or cut.
 */
export function nuisanceSeed(runSeed: number, kind: NuisanceKind, imageName: string): number {
  // FNV-1a, 32 bits
  let h = 0x811c9dc5;
  for (const ch of `${runSeed}|${kind}|${imageName}`) {
    h ^= ch.codePointAt(0) as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** `image` with one nuisance of `kind` painted on, drawn from `seed`; the same seed paints the same pixels. */
export function paintNuisance(image: RgbImage, kind: NuisanceKind, seed: number): PaintedNuisance {
  const random = mulberry32(seed);
  const { width, height } = image;
  switch (kind) {
    case 'shadow': {
      const { strength, field } = drawShadow(width, height, random);
      return { kind, field, image: applyField(image, field, (v, c) => v * (1 - strength * c)) };
    }
    case 'glare': {
      const { field } = drawGlare(width, height, random);
      return { kind, field, image: applyField(image, field, (v, c) => v + (255 - v) * c) };
    }
    case 'dust': {
      const { field, bright } = drawDust(width, height, random);
      return { kind, field, image: applyField(image, field, (v, c, p) => (bright[p] ? v + (LINT_VALUE - v) * c : v * (1 - c))) };
    }
  }
}
