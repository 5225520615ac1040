import type { InspectionRecord } from '../../../common/api';

/**
 * What re-inspecting a part's stored image found, against its first inspection. On the same
 * recipe version the expert can only repeat itself: the note says that a new look at the part
 * needs the part itself.
 */
export function reinspectionNote(
  first: Pick<InspectionRecord, 'verdict' | 'recipeVersion'>,
  again: Pick<InspectionRecord, 'recipe' | 'recipeVersion' | 'verdict' | 'score' | 'flags'>,
): string {
  const line = `Re-inspected with ${again.recipe} v${again.recipeVersion}: ${again.verdict.toUpperCase()} · score ${again.score.toFixed(3)} (was ${first.verdict.toUpperCase()} with v${first.recipeVersion})`;
  // A flag (the model's answer contradicting the band) changed the verdict: say why.
  const flags = again.flags.map((f) => ` ${f.reason}`).join('');
  const same =
    again.recipeVersion === first.recipeVersion
      ? ' Same recipe version as the first inspection: the stored image gives the same answer. To judge the part anew, put it under the camera again.'
      : '';
  return flags || same ? `${line}.${flags}${same}` : line;
}
