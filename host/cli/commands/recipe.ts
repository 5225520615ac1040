import { resolve } from 'node:path';
import type { Params, RecipeSummary } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { globalOptions, parseArgs, requireString, stringOptions } from '../args';
import type { Command } from '../command';
import { writeJsonOut } from '../output';
import { goldenSamplingNote } from '../../recipes/golden-sampling';
import { checkSpecOptions, parseExpertOptionsJson } from '../../experts/expert-options';
import { CLI_USER, openCliStation } from '../station-for-cli';

const USAGE =
  'recipe create --name N --references DIR [--expert auto|patchcore|padim|zero-shot|anomalib:FILE] [--expert-options JSON] [--prompt TEXT]... [--roi MASK.png] [--out F]. ' +
  `--expert-options: a JSON object of the expert's options, e.g. '{"tile":{"size":256,"overlap":32}}' or '{"inputSize":384}', for patchcore, padim or auto; ` +
  'auto fits both PatchCore and PaDiM with them, so it takes only the options both take';

/** The expert of a recipe created without `--expert`: chosen per recipe from its golden data (host/experts/auto.ts). */
export const DEFAULT_EXPERT = 'auto';

/** `recipe create`: fits the expert on golden samples and records a new recipe version. */
export const command: Command = {
  summary: 'create or replace a product recipe from golden samples',
  async run(argv) {
    const args = parseArgs(argv, { ...stringOptions('name', 'references', 'expert', 'expert-options', 'roi'), prompt: { type: 'list' } });
    const [sub, ...extra] = args.positionals;
    if (sub !== 'create' || extra.length > 0) throw new StationError('INVALID_INPUT', `Usage: ${USAGE}`);
    const options = globalOptions(args);
    const name = requireString(args, 'name');
    const referencesDir = requireString(args, 'references');
    const expert = args.strings.get('expert') ?? DEFAULT_EXPERT;
    // Checked before the station opens, so bad options leave no data folder behind; the service checks them again.
    const optionsJson = args.strings.get('expert-options');
    const expertOptions = optionsJson === undefined ? undefined : checkSpecOptions(expert, parseExpertOptionsJson(optionsJson));
    const station = await openCliStation(options);
    try {
      const params: Params<'recipes.create'> = {
        name,
        referencesDir,
        expert,
        prompts: args.lists.get('prompt') ?? [],
        ...(args.strings.has('roi') ? { roi: resolve(args.strings.get('roi') as string) } : {}),
        ...(expertOptions ? { expertOptions } : {}),
      };
      const recipe = (await station.call('recipes.create', params, { user: CLI_USER })) as RecipeSummary;
      await writeJsonOut(options.out, recipe);
      if (recipe.goldenSampling) process.stdout.write(`References folder: ${goldenSamplingNote(recipe.goldenSampling)}\n`);
      process.stdout.write(
        `Recipe ${recipe.name} version ${recipe.version}: ${recipe.expert} on ${recipe.goldenCount} golden samples, ` +
          `band ${recipe.band.t1.toFixed(3)}..${recipe.band.t2.toFixed(3)}\n`,
      );
      if (recipe.auto?.reason) process.stdout.write(`Expert: ${recipe.auto.reason}\n`);
      if (recipe.expertOptions) process.stdout.write(`Expert options: ${JSON.stringify(recipe.expertOptions)} (the rest at the expert's defaults)\n`);
      if (recipe.roi) process.stdout.write(`Region of interest: ${(100 * recipe.roi.coverage).toFixed(1)} % of the image; outside it nothing raises a verdict\n`);
      return 0;
    } finally {
      await station.close();
    }
  },
};
