import { partPng } from '../fixtures/images';
import { openStationWithRecipe, uploadFrame } from '../fixtures/station-with-recipe';

/**
 * Child process of crash.test.ts: opens a station on DATA_DIR and inspects a stream of distinct
 * images forever, printing one JSON line per inspection the host reported as recorded. The test
 * SIGKILLs it somewhere in the stream.
 */
const [dataDir, workDir, startSeed] = process.argv.slice(2) as [string, string, string];

const station = await openStationWithRecipe({ dataDir }, { name: 'crash', workDir, goldenCount: 4, author: 'test' });
for (let seed = Number(startSeed); ; seed++) {
  const png = await partPng(seed, seed % 3 === 0 ? { x: (seed * 5) % 50, y: (seed * 11) % 50 } : null);
  const r = (await station.call('inspect', {
    recipe: 'crash',
    frame: uploadFrame(png),
  })) as { id: string; imageSha256: string; mapSha256: string };
  process.stdout.write(`${JSON.stringify({ id: r.id, imageSha256: r.imageSha256, mapSha256: r.mapSha256 })}\n`);
}
