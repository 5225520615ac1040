import type { InspectionRecord } from '../../../common/api';
import type { Translator } from '../i18n/translate';

/**
 * What re-inspecting a part's stored image found, against its first inspection. On the same
 * recipe version the expert can only repeat itself: the note says that a new look at the part
 * needs the part itself.
 */
export function reinspectionNote(
  tr: Pick<Translator, 't' | 'num'>,
  first: Pick<InspectionRecord, 'verdict' | 'recipeVersion'>,
  again: Pick<InspectionRecord, 'recipe' | 'recipeVersion' | 'verdict' | 'score' | 'flags'>,
): string {
  const { t, num } = tr;
  const line = t('reinspect.line', {
    recipe: again.recipe,
    version: again.recipeVersion,
    verdict: t(`verdict.${again.verdict}`),
    score: num(again.score, 3),
    before: t(`verdict.${first.verdict}`),
    firstVersion: first.recipeVersion,
  });
  // A flag (the model's answer contradicting the band) changed the verdict: say why.
  const flags = again.flags.map((f) => ` ${f.reason}`).join('');
  const same = again.recipeVersion === first.recipeVersion ? ` ${t('reinspect.sameVersion')}` : '';
  return flags || same ? `${line}.${flags}${same}` : line;
}
