import type { RocCurve } from '../metrics/image-metrics';
import { Canvas, PALETTE } from './canvas';

export interface NamedCurve {
  label: string;
  curve: RocCurve;
}

export interface ChartLegend {
  label: string;
  colour: string;
}

const SIZE = 360;
const MARGIN = 24;

/**
 * ROC curves on one chart: x = false positive rate, y = true positive rate, both 0..1 with grid
 * lines every 0.1 and the chance diagonal dashed. Returns the PNG and which colour is which curve.
 */
export function rocChart(curves: readonly NamedCurve[]): { png: Buffer; legend: ChartLegend[] } {
  const c = new Canvas(SIZE + 2 * MARGIN, SIZE + 2 * MARGIN);
  const px = (fpr: number) => MARGIN + fpr * SIZE;
  const py = (tpr: number) => MARGIN + (1 - tpr) * SIZE;
  for (let i = 0; i <= 10; i++) {
    const grey = i % 5 === 0 ? 170 : 225;
    c.line(px(i / 10), py(0), px(i / 10), py(1), [grey, grey, grey]);
    c.line(px(0), py(i / 10), px(1), py(i / 10), [grey, grey, grey]);
  }
  c.line(px(0), py(0), px(1), py(1), [120, 120, 120], 1, 4);
  const legend: ChartLegend[] = [];
  curves.forEach((nc, k) => {
    const colour = PALETTE[k % PALETTE.length] as (typeof PALETTE)[number];
    legend.push({ label: nc.label, colour: colour.name });
    for (let i = 1; i < nc.curve.fpr.length; i++) {
      c.line(
        px(nc.curve.fpr[i - 1] as number),
        py(nc.curve.tpr[i - 1] as number),
        px(nc.curve.fpr[i] as number),
        py(nc.curve.tpr[i] as number),
        colour.rgb,
        3,
      );
    }
  });
  c.line(px(0), py(0), px(1), py(0), [0, 0, 0], 2);
  c.line(px(0), py(0), px(0), py(1), [0, 0, 0], 2);
  return { png: c.toPng(), legend };
}
