import { describe, expect, it } from 'vitest';
import { HistoryFilter } from '../../../common/api';
import { escapeXml, horizontalBarsSvg, stackedColumnsSvg } from '../../../common/charts';
import { toFilter } from '../../../renderer/src/history/HistoryFilters';

describe('History filter form', () => {
  it('sends only the fields that are set, times as UTC instants the host accepts', () => {
    const f = toFilter({ from: '2026-11-26T08:00', to: '', recipe: 'bottle', verdict: 'fail', decision: 'none', defectType: ' scratch ', operator: '' });
    expect(Object.keys(f).sort()).toEqual(['decision', 'defectType', 'from', 'recipe', 'verdict']);
    expect(f.from).toBe(new Date('2026-11-26T08:00').toISOString());
    expect(f.defectType).toBe('scratch');
    expect(HistoryFilter.safeParse(f).success).toBe(true);
  });

  it('drops unknown select values instead of sending them', () => {
    expect(toFilter({ from: '', to: '', recipe: '', verdict: 'maybe', decision: 'x', defectType: '', operator: '' })).toEqual({});
  });
});

describe('SVG charts', () => {
  it('escapes labels so a defect type cannot inject markup', () => {
    const svg = horizontalBarsSvg([{ label: '<script>alert(1)</script>', value: 3 }], { title: 't' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain(escapeXml('<script>alert(1)</script>'));
  });

  it('stacks one column per bucket with heights proportional to the counts', () => {
    const svg = stackedColumnsSvg(['a', 'b'], [{ label: 'PASS', colour: '#0f0', values: [2, 4] }], { title: 't', height: 220 });
    const heights = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#0f0"><title>/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(2);
    expect(heights[1]).toBeCloseTo(2 * (heights[0] as number), 1);
  });
});
