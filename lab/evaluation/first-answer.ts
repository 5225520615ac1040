import type { DialogFeatures, DialogModel, DialogReply } from '../../host/lmm/dialog-model';
import { featuresIfTrusted, type GoldenCheck } from '../../host/lmm/golden-check';
import { fitInstructions } from '../../host/lmm/instruction-budget';
import { withQuestionsInTrainedForm } from '../../host/lmm/question-form';
import type { EvaluatedMap } from './subject';

/**
 * The first answer on one inspected image as the station asks for it (host/inspection/dialog-service.ts):
 * the standing instructions fitted to the model's budget (one that does not fit is left out, as at
 * the station), the features only where the golden check trusts the model's reading of the product
 * (and in the form it reads), the request in the trained form. `sentFeatures`: the features the
 * request carried, in that form (none where the check withheld them).
 */
export async function firstAnswer(
  dialog: DialogModel,
  product: string,
  result: EvaluatedMap,
  check: GoldenCheck | null,
  instructions: readonly string[] = [],
): Promise<DialogReply & { leftOut: string[]; sentFeatures: DialogFeatures | undefined }> {
  const { features, ...anomaly } = result;
  const fitted = fitInstructions(dialog.instructionBudget ?? null, instructions);
  const request = withQuestionsInTrainedForm(
    await featuresIfTrusted({ product, instructions: fitted.applied, anomaly, ...(features ? { features } : {}), history: [], question: null }, check),
  );
  const reply = await dialog.generate(request, () => undefined, new AbortController().signal);
  return { ...reply, leftOut: fitted.leftOut, sentFeatures: request.features };
}
