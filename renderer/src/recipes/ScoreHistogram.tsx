import type { ThresholdBand } from '../../../common/api';
import { makeBins } from './histogram';
import { useT } from '../i18n/I18nProvider';

const BINS = 24;

interface Props {
  golden: readonly number[];
  reviewed: ReadonlyArray<{ score: number; decision: string }>;
  band: ThresholdBand;
}

const W = 560;
const H = 180;
const PAD = { l: 34, r: 10, t: 12, b: 26 };

/**
 * Held-out golden scores and reviewed scores against the band (SVG, no chart library): golden in
 * blue, reviewed-good in green, confirmed defects in red; T1/T2 and the 0.5 decision line on top.
 */
export function ScoreHistogram({ golden, reviewed, band }: Props) {
  const { t, num } = useT();
  const good = reviewed.filter((r) => r.decision === 'good').map((r) => r.score);
  const defect = reviewed.filter((r) => r.decision === 'defect').map((r) => r.score);
  const bins = makeBins([...golden, ...good, ...defect, band.t2 * 1.1], BINS);
  const series = [
    { name: t('histogram.golden'), cls: 'hist-golden', counts: bins.counts(golden) },
    { name: t('histogram.good'), cls: 'hist-good', counts: bins.counts(good) },
    { name: t('histogram.defect'), cls: 'hist-defect', counts: bins.counts(defect) },
  ];
  const peak = Math.max(1, ...series.flatMap((s) => s.counts));
  const plotW = W - PAD.l - PAD.r;
  const plotH = H - PAD.t - PAD.b;
  const x = (v: number) => PAD.l + (v / bins.top) * plotW;
  const y = (n: number) => PAD.t + plotH - (n / peak) * plotH;
  const barW = plotW / BINS / series.length;
  return (
    <figure className="histogram" data-testid="score-histogram">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('histogram.label', { golden: golden.length, reviewed: reviewed.length })}>
        <rect className="hist-zone" data-verdict="pass" x={x(0)} y={PAD.t} width={x(band.t1) - x(0)} height={plotH} />
        <rect className="hist-zone" data-verdict="review" x={x(band.t1)} y={PAD.t} width={Math.max(0, x(band.t2) - x(band.t1))} height={plotH} />
        <rect className="hist-zone" data-verdict="fail" x={x(band.t2)} y={PAD.t} width={Math.max(0, x(bins.top) - x(band.t2))} height={plotH} />
        {series.map((s, k) =>
          s.counts.map((n, i) =>
            n > 0 ? <rect key={`${s.cls}-${i}`} className={s.cls} x={PAD.l + i * bins.width * (plotW / bins.top) + k * barW} y={y(n)} width={barW} height={y(0) - y(n)} /> : null,
          ),
        )}
        <line className="hist-axis" x1={PAD.l} x2={W - PAD.r} y1={y(0)} y2={y(0)} />
        <line className="hist-threshold" x1={x(0.5)} x2={x(0.5)} y1={PAD.t} y2={y(0)} />
        <line className="hist-band" x1={x(band.t1)} x2={x(band.t1)} y1={PAD.t} y2={y(0)} data-testid="hist-t1" />
        <line className="hist-band" x1={x(band.t2)} x2={x(band.t2)} y1={PAD.t} y2={y(0)} data-testid="hist-t2" />
        <text className="hist-label" x={x(band.t1)} y={PAD.t - 2} textAnchor="middle">T1</text>
        <text className="hist-label" x={x(band.t2)} y={PAD.t - 2} textAnchor="middle">T2</text>
        {[0, 0.25, 0.5, 0.75, 1].map((f) => (
          // The last label ends at the plot's right edge: centred on it, half of it fell outside the SVG.
          <text key={f} className="hist-tick" x={x(f * bins.top)} y={H - 8} textAnchor={f === 1 ? 'end' : 'middle'}>
            {num(f * bins.top, 2)}
          </text>
        ))}
        <text className="hist-tick" x={PAD.l - 6} y={PAD.t + 8} textAnchor="end">{peak}</text>
      </svg>
      <figcaption>
        {series.map((s) => (
          <span key={s.cls} className="hist-legend">
            <i className={s.cls} /> {s.name} ({s.counts.reduce((a, b) => a + b, 0)})
          </span>
        ))}
        {golden.length === 0 && <span className="muted"> · {t('histogram.noGolden')}</span>}
      </figcaption>
    </figure>
  );
}
