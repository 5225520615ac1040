import { useState } from 'react';
import type { InspectionRecord, StationClient } from '../../../common/api';
import { HeatmapView } from './HeatmapView';
import { ScoreBar } from './ScoreBar';
import { useT } from '../i18n/I18nProvider';
import { VerdictSourcesNote } from './VerdictSourcesNote';
import { ZoomPanView } from './ZoomPanView';

interface Props {
  client: StationClient;
  record: InspectionRecord | null;
  busy: boolean;
  /** The image-store hash of the inspected recipe's region-of-interest mask, null for none. */
  roiSha256?: string | null;
  onError: (err: unknown) => void;
}

export function ResultPanel({ client, record, busy, roiSha256 = null, onError }: Props) {
  const [opacity, setOpacity] = useState(0.55);
  const [contour, setContour] = useState(true);
  const { t, time, percent } = useT();

  if (!record) {
    return (
      <section className="panel result" aria-label={t('result.label')}>
        <div className="verdict-banner idle">{busy ? t('result.inspecting') : t('result.ready')}</div>
        <div className="placeholder big">{t('result.hint')}</div>
      </section>
    );
  }
  const timings = record.timings;
  return (
    <section className="panel result" aria-label={t('result.label')}>
      <div className="verdict-banner" data-verdict={record.verdict}>
        <span data-testid="verdict" data-verdict={record.verdict}>{t(`verdict.${record.verdict}`)}</span>
        <VerdictSourcesNote record={record} />
        <span className="verdict-facts">
          {t('result.facts', { recipe: record.recipe, version: record.recipeVersion, time: time(record.createdAt), ms: Math.round(timings.total) })}
        </span>
      </div>
      {record.outcome && (
        <div className="flag-note part-outcome" data-testid="part-outcome" data-outcome={record.outcome}>
          {t('outcome.note', { outcome: t(`outcome.${record.outcome}`), recipe: record.recipe })}
        </div>
      )}
      {record.flags.map((f) => (
        <div key={`${f.kind}-${f.createdAt}`} className="flag-note" data-testid="inspection-flag" data-kind={f.kind}>
          {f.reason}
        </div>
      ))}
      <ScoreBar score={record.score} band={record.band} />
      <div className="heatmap-wrap">
        {/* Keyed by inspection: each new part starts fitted. */}
        <ZoomPanView key={record.id} width={record.width} height={record.height} label={t('result.zoomLabel')}>
          <HeatmapView
            imageUrl={client.imageUrl(record.imageSha256)}
            mapUrl={client.imageUrl(record.mapSha256)}
            width={record.width}
            height={record.height}
            opacity={opacity}
            showContour={contour}
            roiUrl={roiSha256 ? client.imageUrl(roiSha256) : null}
            onError={onError}
          />
        </ZoomPanView>
      </div>
      <div className="overlay-controls">
        <label className="field inline">
          <span>{t('result.heatmap')}</span>
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={opacity}
            aria-label={t('result.opacity')}
            data-testid="heatmap-opacity"
            onChange={(e) => setOpacity(Number(e.target.value))}
          />
          <span className="num">{percent(opacity)}</span>
        </label>
        <label className="field inline">
          <input type="checkbox" checked={contour} onChange={(e) => setContour(e.target.checked)} />
          <span>{t('result.contour')}</span>
        </label>
        <span className="models" title={t('result.models', { expert: record.models.expert, backbone: record.models.backbone, dialog: record.models.lmm ?? t('common.none') })}>
          {record.models.expert} · {record.models.backbone.split('@')[0]}
        </span>
      </div>
    </section>
  );
}
