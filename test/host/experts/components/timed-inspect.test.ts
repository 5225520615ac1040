import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { timedInspect } from '../../../../host/experts/components/timed-inspect';
import type { ExpertDescriptor } from '../../../../host/experts/expert';

const DESCRIPTOR: ExpertDescriptor = {
  kind: 'padim',
  version: 1,
  backbone: 'bb',
  backboneSha256: null,
  inputWidth: 4,
  inputHeight: 2,
  band: { t1: 0.4, t2: 0.6 },
  goldenCount: 1,
  calibration: { method: 'leave-one-out', rawThreshold: 1, rawFloor: 0, heldOutScores: [] },
  notes: [],
};

describe('timedInspect', () => {
  it('hands the backbone output to the expert stage and times each stage on its own', async () => {
    const map = new Float32Array(8).fill(0.25);
    const result = await timedInspect(
      DESCRIPTOR,
      async () => {
        await sleep(40);
        return 7;
      },
      async (features) => {
        expect(features).toBe(7);
        return { map, score: 0.75 };
      },
    );
    expect(result.map).toBe(map);
    expect(result).toMatchObject({ mapWidth: 4, mapHeight: 2, score: 0.75 });
    expect(result.timings.backbone).toBeGreaterThanOrEqual(35);
    expect(result.timings.expert).toBeLessThan(result.timings.backbone);
  });
});
