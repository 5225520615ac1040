import { describe, expect, it } from 'vitest';
import { analyseMap } from '../../../../host/lmm/expert-narrator/map-regions';
import { mapWithBlobs } from './synthetic-maps';

describe('analyseMap', () => {
  it('finds one region per blob, largest first, with the centroid cell', () => {
    const a = analyseMap(
      mapWithBlobs(
        [
          { cx: 0.15, cy: 0.15, rx: 0.05, ry: 0.05 },
          { cx: 0.8, cy: 0.8, rx: 0.12, ry: 0.12 },
        ],
        0.9,
      ),
    );
    expect(a.regions.map((r) => r.cell)).toEqual([8, 0]);
    expect(a.regions[0]!.areaFraction).toBeGreaterThan(a.regions[1]!.areaFraction);
    expect(a.regions[0]!.areaFraction).toBeCloseTo(Math.PI * 0.12 * 0.12, 1);
    expect(a.coveredFraction).toBeCloseTo(a.regions[0]!.areaFraction + a.regions[1]!.areaFraction, 6);
  });

  it('joins diagonal neighbours into one region', () => {
    const size = 8;
    const map = new Float32Array(size * size);
    for (let i = 0; i < size; i++) map[i * size + i] = 0.8;
    const a = analyseMap({ map, mapWidth: size, mapHeight: size, score: 0.8 });
    expect(a.regions).toHaveLength(1);
    expect(a.regions[0]!.shape).toBe('elongated');
  });

  it('tells round, elongated and irregular regions apart', () => {
    const round = analyseMap(mapWithBlobs([{ cx: 0.5, cy: 0.5, rx: 0.15, ry: 0.15 }], 0.9));
    const line = analyseMap(mapWithBlobs([{ cx: 0.5, cy: 0.5, rx: 0.35, ry: 0.03 }], 0.9));
    const cross = analyseMap(
      mapWithBlobs(
        [
          { cx: 0.5, cy: 0.5, rx: 0.3, ry: 0.04 },
          { cx: 0.5, cy: 0.5, rx: 0.04, ry: 0.3 },
        ],
        0.9,
      ),
    );
    expect(round.regions[0]!.shape).toBe('round');
    expect(line.regions[0]!.shape).toBe('elongated');
    expect(cross.regions[0]!.shape).toBe('irregular');
  });

  it('reports cells a region spills into and the peak cell of a map with no region', () => {
    const wide = analyseMap(mapWithBlobs([{ cx: 0.5, cy: 0.2, rx: 0.4, ry: 0.05 }], 0.9));
    expect(wide.regions[0]!.cell).toBe(1);
    expect(wide.regions[0]!.spillCells.sort()).toEqual([0, 2]);
    const faint = analyseMap(mapWithBlobs([{ cx: 0.2, cy: 0.8, rx: 0.05, ry: 0.05, value: 0.45 }], 0.3));
    expect(faint.regions).toHaveLength(0);
    expect(faint.peakCell).toBe(6);
  });

  it('rejects a map whose length does not match its size', () => {
    expect(() => analyseMap({ map: new Float32Array(10), mapWidth: 4, mapHeight: 4, score: 0 })).toThrow(
      /does not match 4x4/,
    );
  });
});
