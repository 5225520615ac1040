import type { ThresholdBand } from '../../../common/api';

/** The golden-set size and band rows of a recipe's facts list (a saved version or a draft). */
export function GoldenAndBandFacts({ goldenCount, band, bandTestId }: { goldenCount: number; band: ThresholdBand; bandTestId: string }) {
  return (
    <>
      <dt>Golden set</dt>
      <dd>{goldenCount} images</dd>
      <dt>Band</dt>
      <dd data-testid={bandTestId}>
        T1 {band.t1.toFixed(3)} · T2 {band.t2.toFixed(3)}
      </dd>
    </>
  );
}
