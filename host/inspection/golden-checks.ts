import type { DeviceName } from '../../common/api';
import type { DialogModel } from '../lmm/dialog-model';
import { checkGoldens, goldensToInspect, type AdapterSource, type GoldenCheck } from '../lmm/golden-check';
import type { AnomalyResult } from '../experts/expert';

/** Golden images of a recipe version as its expert inspects them (RecipeService.goldenInspections). */
export type GoldenSource = (recipeId: number, choose: <T>(all: readonly T[]) => T[]) => Promise<Array<AnomalyResult & { contrast?: number }>>;

/**
 * The dialog model's golden check (host/lmm/golden-check.ts), once per recipe version: run when
 * the version's first answer is asked for (the golden set of a version never changes) and kept
 * for the life of the station. A check that fails to run (a golden image gone missing) is not
 * kept, so the next answer tries again; meanwhile that answer gets no features (the safe side).
 */
export class GoldenChecks {
  private readonly byRecipe = new Map<number, Promise<GoldenCheck>>();

  constructor(
    private readonly model: DialogModel,
    private readonly goldens: GoldenSource,
    private readonly device: DeviceName,
    /** The recipe version's recorded visual adaptation (host/recipes/recipe-adaptations.ts); absent: fitted afresh. */
    private readonly adaptation?: (recipeId: number) => AdapterSource,
  ) {}

  /** The check of recipe version `recipeId`, whose product is named `product` in the answers. */
  forRecipe(recipeId: number, product: string): Promise<GoldenCheck> {
    let p = this.byRecipe.get(recipeId);
    if (!p) {
      p = this.run(recipeId, product);
      this.byRecipe.set(recipeId, p);
      p.catch(() => this.byRecipe.delete(recipeId));
    }
    return p;
  }

  private async run(recipeId: number, product: string): Promise<GoldenCheck> {
    const goldens = await this.goldens(recipeId, (all) => goldensToInspect(this.model, all));
    return checkGoldens(this.model, product, goldens, this.device, undefined, this.adaptation?.(recipeId));
  }
}
