import type { ThresholdBand } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

/** The golden-set size and band rows of a recipe's facts list (a saved version or a draft). */
export function GoldenAndBandFacts({ goldenCount, band, bandTestId }: { goldenCount: number; band: ThresholdBand; bandTestId: string }) {
  const { t, num, plural } = useT();
  return (
    <>
      <dt>{t('recipes.goldenSet')}</dt>
      <dd>{plural('recipes.images', goldenCount)}</dd>
      <dt>{t('recipes.band')}</dt>
      <dd data-testid={bandTestId}>{t('recipes.bandValue', { t1: num(band.t1, 3), t2: num(band.t2, 3) })}</dd>
    </>
  );
}
