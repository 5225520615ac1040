import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraFrame, CameraSession, InspectionRecord } from '../../../common/api';
import { DEMO_RECIPE, DEMO_TEST_LABELS } from '../../../host/demo/demo-set';
import { demoCameraSpec, REPO_DEMO_ASSETS_DIR, seedDemoIfEmpty } from '../../../host/demo/seed';
import { onnxExpertBackend } from '../../../host/recipes/onnx-expert-backend';
import { openStation, type Station } from '../../../host/station';

const REPO = resolve(__dirname, '..', '..', '..');
const BACKBONE = join(REPO, '..', 'shared', 'models', 'mobilenetv2-12-int8.onnx');
const haveBackbone = existsSync(BACKBONE);
if (!haveBackbone) console.warn(`skipping the demo inspection test: no backbone copy at ${BACKBONE}`);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myriad-demo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function open(name: string): Promise<Station> {
  const dataDir = join(dir, name);
  return openStation({
    dataDir,
    device: 'cpu',
    experts: onnxExpertBackend({ dataDir, device: 'cpu' }),
    cameraSources: [demoCameraSpec(REPO_DEMO_ASSETS_DIR)],
  });
}

describe('embedded default on first start', () => {
  it('reports what to run when no backbone can be found, and creates nothing', async () => {
    const station = await open('no-backbone');
    try {
      const result = await seedDemoIfEmpty({ dataDir: station.layout.root, recipes: station.testInternals.recipes }, {
        assetsDir: REPO_DEMO_ASSETS_DIR,
        backboneFiles: [join(dir, 'absent.onnx')],
      });
      expect(result).toEqual({ seeded: false, reason: expect.stringMatching(/npm run models -- import FILE/) });
      expect(await station.call('recipes.list', {})).toEqual([]);
    } finally {
      await station.close();
    }
  });

  it.skipIf(!haveBackbone)(
    'imports the backbone, creates the demo recipe and inspects the demo camera with the real expert',
    async () => {
      const station = await open('fresh');
      try {
        const target = { dataDir: station.layout.root, recipes: station.testInternals.recipes };
        const result = await seedDemoIfEmpty(target, { assetsDir: REPO_DEMO_ASSETS_DIR, backboneFiles: [BACKBONE] });
        expect(result).toMatchObject({ seeded: true, backboneImported: true, recipe: { name: DEMO_RECIPE, goldenCount: 24 } });
        expect(await seedDemoIfEmpty(target, { assetsDir: REPO_DEMO_ASSETS_DIR, backboneFiles: [BACKBONE] })).toEqual({
          seeded: false,
          reason: 'the station already has recipes',
        });

        const sources = (await station.call('camera.sources', {})) as Array<{ spec: string }>;
        const spec = demoCameraSpec(REPO_DEMO_ASSETS_DIR);
        expect(sources.map((s) => s.spec)).toContain(spec);
        const session = (await station.call('camera.open', { spec })) as CameraSession;
        expect(session.frames).toBe(DEMO_TEST_LABELS.length);
        const scores: Array<{ label: string; score: number; verdict: string }> = [];
        for (let i = 0; i < session.frames; i++) {
          const frame = (await station.call('camera.read', { sessionId: session.sessionId, advance: i > 0 })) as CameraFrame;
          const record = (await station.call('inspect', {
            recipe: DEMO_RECIPE,
            frame: { kind: 'stored', sha256: frame.sha256 },
          })) as InspectionRecord;
          scores.push({ label: DEMO_TEST_LABELS[i] as string, score: record.score, verdict: record.verdict });
        }
        const good = scores.filter((s) => s.label === 'good');
        const defective = scores.filter((s) => s.label !== 'good');
        // The demo must show both outcomes: every painted defect scores above every good part,
        // good parts pass and defective ones do not.
        expect(Math.min(...defective.map((s) => s.score)), JSON.stringify(scores)).toBeGreaterThan(Math.max(...good.map((s) => s.score)));
        expect(good.map((s) => s.verdict), JSON.stringify(scores)).toEqual(['pass', 'pass']);
        expect(defective.every((s) => s.verdict !== 'pass'), JSON.stringify(scores)).toBe(true);
      } finally {
        await station.close();
      }
    },
  );
});
