import type { ThresholdBand } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

/** The score on the recipe's scale with the band: pass below T1, review between, fail above T2. */
export function ScoreBar({ score, band }: { score: number; band: ThresholdBand }) {
  const top = Math.max(1, band.t2 * 1.25, score * 1.05);
  const { t, num } = useT();
  const pct = (v: number) => `${Math.min(100, Math.max(0, (v / top) * 100)).toFixed(2)}%`;
  return (
    <div className="scorebar">
      <div className="scorebar-head">
        <span>{t('score.label')}</span>
        <strong data-testid="anomaly-score">{num(score, 3)}</strong>
      </div>
      <div className="scorebar-track" role="meter" aria-valuemin={0} aria-valuemax={top} aria-valuenow={score} aria-label={t('score.label')}>
        <div className="zone" data-verdict="pass" style={{ width: pct(band.t1) }} />
        <div className="zone" data-verdict="review" style={{ left: pct(band.t1), width: `calc(${pct(band.t2)} - ${pct(band.t1)})` }} />
        <div className="zone" data-verdict="fail" style={{ left: pct(band.t2), right: 0 }} />
        <div className="mark" style={{ left: pct(band.t1) }} data-label={t('score.t1', { value: num(band.t1, 2) })} />
        <div className="mark" style={{ left: pct(band.t2) }} data-label={t('score.t2', { value: num(band.t2, 2) })} />
        <div className="needle" style={{ left: pct(score) }} />
      </div>
      <div className="scorebar-scale">
        <span className="t1" style={{ left: pct(band.t1) }}>{t('score.t1', { value: num(band.t1, 2) })}</span>
        <span className="t2" style={{ left: pct(band.t2) }}>{t('score.t2', { value: num(band.t2, 2) })}</span>
      </div>
    </div>
  );
}
