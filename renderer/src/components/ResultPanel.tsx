import { useState } from 'react';
import type { InspectionRecord, StationClient } from '../../../common/api';
import { HeatmapView } from './HeatmapView';
import { ScoreBar } from './ScoreBar';
import { ZoomPanView } from './ZoomPanView';
import { PART_OUTCOME_LABELS } from '../inspect/part-outcome';

interface Props {
  client: StationClient;
  record: InspectionRecord | null;
  busy: boolean;
  onError: (err: unknown) => void;
}

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour12: false });
}

export function ResultPanel({ client, record, busy, onError }: Props) {
  const [opacity, setOpacity] = useState(0.55);
  const [contour, setContour] = useState(true);

  if (!record) {
    return (
      <section className="panel result" aria-label="Result">
        <div className="verdict-banner idle">{busy ? 'INSPECTING…' : 'READY'}</div>
        <div className="placeholder big">Pick a camera source and press Capture (Space or Enter).</div>
      </section>
    );
  }
  const t = record.timings;
  return (
    <section className="panel result" aria-label="Result">
      <div className="verdict-banner" data-verdict={record.verdict}>
        <span data-testid="verdict">{record.verdict.toUpperCase()}</span>
        <span className="verdict-facts">
          {record.recipe} v{record.recipeVersion} · {clock(record.createdAt)} · {Math.round(t.total)} ms
        </span>
      </div>
      {record.outcome && (
        <div className="flag-note part-outcome" data-testid="part-outcome" data-outcome={record.outcome}>
          {PART_OUTCOME_LABELS[record.outcome]}: the image does not look like {record.recipe}, so no defect is described
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
        <ZoomPanView key={record.id} width={record.width} height={record.height} label="Inspected part and anomaly heatmap">
          <HeatmapView
            imageUrl={client.imageUrl(record.imageSha256)}
            mapUrl={client.imageUrl(record.mapSha256)}
            width={record.width}
            height={record.height}
            opacity={opacity}
            showContour={contour}
            onError={onError}
          />
        </ZoomPanView>
      </div>
      <div className="overlay-controls">
        <label className="field inline">
          <span>Heatmap</span>
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={opacity}
            aria-label="Heatmap opacity"
            data-testid="heatmap-opacity"
            onChange={(e) => setOpacity(Number(e.target.value))}
          />
          <span className="num">{Math.round(opacity * 100)}%</span>
        </label>
        <label className="field inline">
          <input type="checkbox" checked={contour} onChange={(e) => setContour(e.target.checked)} />
          <span>Contour at threshold</span>
        </label>
        <span className="models" title={`expert ${record.models.expert}\nbackbone ${record.models.backbone}\ndialog ${record.models.lmm ?? 'none'}`}>
          {record.models.expert} · {record.models.backbone.split('@')[0]}
        </span>
      </div>
    </section>
  );
}
