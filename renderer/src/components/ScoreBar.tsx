import type { ThresholdBand } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';
import { scoreBarLayout } from './score-scale';

/** The score on the recipe's scale with the band: pass below T1, review between, fail above T2. */
export function ScoreBar({ score, band }: { score: number; band: ThresholdBand }) {
  const layout = scoreBarLayout(score, band);
  const { t, num } = useT();
  const pct = (v: number) => `${v.toFixed(2)}%`;
  return (
    <div className="scorebar">
      <div className="scorebar-head">
        <span>{t('score.label')}</span>
        <strong data-testid="anomaly-score">{num(score, 3)}</strong>
      </div>
      <div className="scorebar-track" role="meter" aria-valuemin={0} aria-valuemax={layout.top} aria-valuenow={Math.min(score, layout.top)} aria-label={t('score.label')}>
        <div className="zone" data-verdict="pass" style={{ width: pct(layout.t1) }} />
        <div className="zone" data-verdict="review" style={{ left: pct(layout.t1), width: `calc(${pct(layout.t2)} - ${pct(layout.t1)})` }} />
        <div className="zone" data-verdict="fail" style={{ left: pct(layout.t2), right: 0 }} />
        <div className="mark" style={{ left: pct(layout.t1) }} data-label={t('score.t1', { value: num(band.t1, 2) })} />
        <div className="mark" style={{ left: pct(layout.t2) }} data-label={t('score.t2', { value: num(band.t2, 2) })} />
        <div className={`needle${layout.offScale ? ' off-scale' : ''}`} style={{ left: pct(layout.needle) }} data-testid="score-needle" />
      </div>
      <div className="scorebar-scale">
        <span className="t1" style={{ left: pct(layout.t1) }}>{t('score.t1', { value: num(band.t1, 2) })}</span>
        <span className="t2" style={{ left: pct(layout.t2) }}>{t('score.t2', { value: num(band.t2, 2) })}</span>
        {layout.offScale && <span className="beyond" data-testid="score-off-scale">{t('score.beyond', { top: num(layout.top, 2) })}</span>}
      </div>
    </div>
  );
}
