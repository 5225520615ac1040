import { fileURLToPath } from 'node:url';
import { CameraSpec, Language, LANGUAGES, type RecipeSummary } from '../../../common/api';
import { parseCameraSpec } from '../../../common/camera-spec';
import { StationError } from '../../../common/errors';
import { demoCameraSpec, demoDefaults, REPO_DEMO_ASSETS_DIR } from '../../demo/seed';
import { onnxExpertBackend } from '../../recipes/onnx-expert-backend';
import { startServer } from '../../server/http-server';
import { ensureRendererBuilt } from '../../server/renderer-build';
import { openStation, type Station } from '../../station';
import { globalOptions, parseArgs } from '../args';
import type { Command } from '../command';

export const DEFAULT_PORT = 5179;
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new StationError('INVALID_INPUT', `Invalid port: ${value}. Use a number from 1 to 65535 (0 picks a free port)`);
  }
  return port;
}

function parseCamera(value: string | undefined): string | null {
  if (value === undefined) return null;
  const parsed = CameraSpec.safeParse(value);
  if (!parsed.success) throw new StationError('INVALID_INPUT', `Invalid --camera ${value}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function parseLanguage(value: string | undefined): Language | undefined {
  if (value === undefined) return undefined;
  const parsed = Language.safeParse(value);
  if (!parsed.success) throw new StationError('INVALID_INPUT', `Invalid --language ${value}. Use one of: ${LANGUAGES.join(', ')}`);
  return parsed.data;
}

function recipeList(station: Station): Promise<RecipeSummary[]> {
  return station.call('recipes.list', {}) as Promise<RecipeSummary[]>;
}

async function checkRecipe(station: Station, name: string): Promise<void> {
  const recipes = await recipeList(station);
  if (recipes.some((r) => r.name === name)) return;
  const known = recipes.map((r) => r.name).join(', ') || 'none yet: create one with `npm run recipe -- create`';
  throw new StationError('NOT_FOUND', `No recipe named ${name}. Recipes: ${known}`);
}

function waitForShutdown(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/**
 * `serve`: the station host with the Inspect UI in a browser, on 127.0.0.1 only. Prints one line
 * with the page URL; opening it trades its `token` for the cookie that authorises the page, the
 * WebSocket and image URLs (host/server/http-server.ts).
 */
export const command: Command = {
  summary: 'the station host with the UI in a browser at http://127.0.0.1:PORT/',
  async run(argv) {
    const args = parseArgs(argv, { port: { type: 'string' }, recipe: { type: 'string' }, camera: { type: 'string' }, language: { type: 'string' } });
    if (args.positionals.length > 0) {
      throw new StationError('INVALID_INPUT', `Unexpected argument ${args.positionals[0]}. Usage: serve [--port P] [--recipe N] [--camera SOURCE] [--language ${LANGUAGES.join('|')}]`);
    }
    const options = globalOptions(args);
    const port = parsePort(args.strings.get('port'));
    const camera = parseCamera(args.strings.get('camera'));
    const recipe = args.strings.get('recipe') ?? null;
    const language = parseLanguage(args.strings.get('language'));
    const log = (line: string) => process.stderr.write(`${line}\n`);

    const station = await openStation({
      dataDir: options.dataDir,
      device: options.device,
      experts: onnxExpertBackend({ dataDir: options.dataDir, device: options.device }),
      cameraSources: [
        ...(camera !== null && !parseCameraSpec(camera)?.capturedByUi ? [camera] : []),
        demoCameraSpec(REPO_DEMO_ASSETS_DIR),
      ],
      defaultUser: 'operator',
      ...(language ? { language } : {}),
    });
    station.on('host.warning', (w) => log(`warning: ${w.message}`));
    try {
      // The embedded default (host/demo): a fresh data dir gets the demo recipe on its first start.
      const seeded = await station.seedDemoIfEmpty({ assetsDir: REPO_DEMO_ASSETS_DIR });
      if (seeded.seeded) log(`Created the demo recipe ${seeded.recipe.name} on the demo camera ${seeded.camera}`);
      else if ((await recipeList(station)).length === 0) log(`warning: no demo recipe: ${seeded.reason}`);
      if (recipe !== null) await checkRecipe(station, recipe);
      const staticDir = await ensureRendererBuilt(REPO_ROOT, log);
      const server = await startServer({ host: station, staticDir, port, log });
      const query = new URLSearchParams({ token: server.token });
      const demo = demoDefaults(await recipeList(station), REPO_DEMO_ASSETS_DIR);
      const openRecipe = recipe ?? demo?.recipe ?? null;
      const openCamera = camera ?? demo?.camera ?? null;
      if (openRecipe !== null) query.set('recipe', openRecipe);
      if (openCamera !== null) query.set('camera', openCamera);
      process.stdout.write(`Myriad Station serving on ${server.origin}/?${query.toString()}\n`);
      log(`Stopping on ${await waitForShutdown()}`);
      await server.close();
      return 0;
    } finally {
      await station.close();
    }
  },
};
