import { join } from 'node:path';
import { openDatabase } from '../../../db/open';
import { allInspectionIds } from '../../../db/repositories/inspections';
import { importModel, listModels } from '../../../host/models/store';
import { onnxExpertBackend } from '../../../host/recipes/onnx-expert-backend';
import { seedInspections } from '../../../lab/seed/seed-inspections';
import { openStation, type Station } from '../../../host/station';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { partPng, writeGoldenFolder } from '../fixtures/images';

/**
 * Child process of crash-review-export-refit.test.ts. MODE is one of:
 * - review: decides a stream of inspections (review.decide), one JSON line per recorded decision;
 * - export: exports the history as CSV (the service behind reports.export) over and over, one line per finished export;
 * - refit: an engineer marks parts good and adds them to the golden set with the real PatchCore
 *   expert (a new recipe version each), one line per recorded decision.
 * Set-up (recipe, inspections) happens on the first run only and ends with a `{"ready":true}` line,
 * so the test never kills a half-done set-up. The test SIGKILLs the process mid-stream.
 */
const ENGINEER = 'erin';
const [mode, dataDir, workDir, startSeed, backboneFile] = process.argv.slice(2) as [string, string, string, string, string | undefined];

function say(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function inspectParts(station: Station, recipe: string, from: number, count: number): Promise<void> {
  for (let seed = from; seed < from + count; seed++) {
    // A mark at a distinct place per seed: partPng's texture repeats, and a refit refuses an image
    // that is already golden.
    const png = await partPng(seed, { x: seed % 50, y: (seed * 7) % 50 });
    await station.call('inspect', { recipe, frame: { kind: 'upload', mime: 'image/png', base64: png.toString('base64') } });
  }
}

async function openFor(): Promise<Station> {
  if (mode !== 'refit') return openStation({ dataDir, device: 'cpu', experts: meanImageBackend });
  if (!backboneFile) throw new Error('refit needs the backbone file');
  const station = await openStation({ dataDir, device: 'cpu', experts: onnxExpertBackend({ dataDir, device: 'cpu' }) });
  if ((await listModels(dataDir)).length === 0) await importModel(dataDir, backboneFile);
  return station;
}

const station = await openFor();
const recipe = 'crash';
if (station.testInternals.recipes.list().length === 0) {
  await station.testInternals.recipes.create({
    name: recipe,
    referencesDir: await writeGoldenFolder(join(workDir, 'golden'), 4),
    expert: 'patchcore',
    prompts: [],
    author: 'test',
  });
  if (mode === 'export') {
    const db = openDatabase(station.layout.database);
    seedInspections(db, { count: 5_000, from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T00:00:00.000Z', pending: 10 });
    db.close();
  } else {
    await inspectParts(station, recipe, 100, mode === 'refit' ? 16 : 30);
  }
  // Only an engineer's addToGolden refits; an operator's is a proposal.
  if (mode === 'refit') await station.testInternals.accounts.add('test', { name: ENGINEER, role: 'engineer', password: 'engineer-pass-1' });
}
say({ ready: true });

if (mode === 'review') {
  const ids = (await station.call('inspections.recent', { limit: 100 })) as Array<{ id: string }>;
  for (let i = Number(startSeed); ; i++) {
    const inspectionId = (ids[i % ids.length] as { id: string }).id;
    const decision = i % 2 === 0 ? 'good' : 'defect';
    const out = (await station.call('review.decide', {
      inspectionId,
      decision,
      reason: `round ${i}`,
      ...(decision === 'defect' ? { defectType: 'dent' } : {}),
    })) as { review: { id: string } };
    say({ reviewId: out.review.id, inspectionId });
  }
} else if (mode === 'export') {
  for (;;) {
    // The report service itself: the reports.export channel adds only the supervisor check.
    const out = await station.testInternals.reports.export({}, 'csv', 'test');
    say({ path: out.path, sha256: out.sha256, rows: out.rows });
  }
} else {
  // The parts not yet reviewed, oldest first: after a crash the next run carries on with the part
  // whose decision was in flight, as a reviewer would.
  const db = openDatabase(station.layout.database, { readonly: true });
  const reviewed = new Set(db.prepare('SELECT inspection_id AS id FROM reviews').all().map((r) => (r as { id: string }).id));
  const pending = allInspectionIds(db).filter((id) => !reviewed.has(id));
  db.close();
  for (const inspectionId of pending) {
    const out = (await station.call('review.decide', { inspectionId, decision: 'good', reason: 'refit', addToGolden: true }, { user: ENGINEER })) as {
      review: { id: string };
      newRecipeVersion: number;
    };
    say({ reviewId: out.review.id, inspectionId, version: out.newRecipeVersion });
  }
  say({ done: true });
  await station.close();
}
