import type { ReviewDetail, StationClient } from '../../../common/api';
import { HeatmapView } from '../components/HeatmapView';

interface Props {
  client: StationClient;
  detail: ReviewDetail;
  zoom: number;
  overlay: boolean;
  onError: (err: unknown) => void;
}

/** Image and heatmap side by side at the same zoom, then what the model said and what it was told. */
export function ReviewDetailView({ client, detail, zoom, overlay, onError }: Props) {
  const r = detail.record;
  const imageUrl = client.imageUrl(r.imageSha256);
  const style = { width: `${zoom * 100}%` };
  return (
    <div className="review-detail">
      <div className="review-images" data-testid="review-images" data-zoom={zoom}>
        <div className="review-pane">
          <div style={style}>
            <img src={imageUrl} alt="Inspected part" style={{ width: '100%', display: 'block' }} />
          </div>
        </div>
        <div className="review-pane">
          <div style={style}>
            <HeatmapView
              imageUrl={imageUrl}
              mapUrl={client.imageUrl(r.mapSha256)}
              width={r.width}
              height={r.height}
              opacity={overlay ? 0.6 : 0}
              showContour={overlay}
              onError={onError}
            />
          </div>
        </div>
      </div>
      <div className="review-facts">
        <span className="queue-verdict" data-verdict={r.verdict} data-testid="review-verdict">
          {r.verdict.toUpperCase()}
        </span>
        <span>
          score <b className="num">{r.score.toFixed(3)}</b> (band {r.band.t1.toFixed(2)}–{r.band.t2.toFixed(2)})
        </span>
        <span>
          {r.recipe} v{r.recipeVersion}
        </span>
        <span className="muted">{new Date(r.createdAt).toLocaleString()}</span>
      </div>
      <div className="review-text">
        {r.flags.length > 0 && (
          <section>
            <h2>Flags</h2>
            <ul>
              {r.flags.map((f) => (
                <li key={`${f.kind}-${f.createdAt}`} data-testid="review-flag" data-kind={f.kind}>
                  {f.reason}
                </li>
              ))}
            </ul>
          </section>
        )}
        <section>
          <h2>Model's answer and dialog</h2>
          {r.dialog.length === 0 && <p className="muted">No answer was recorded.</p>}
          {r.dialog.map((t) => (
            <p key={t.id} className="review-turn" data-role={t.role} data-testid="review-dialog-turn">
              <b>{t.role === 'assistant' ? 'Model' : 'Operator'}:</b> {t.text}
              {t.instructionsLeftOut && <span className="muted"> (not applied, no room: {t.instructionsLeftOut.join('; ')})</span>}
            </p>
          ))}
        </section>
        <section>
          <h2>Instructions in force then</h2>
          {r.instructions.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul>
              {r.instructions.map((text) => (
                <li key={text}>{text}</li>
              ))}
            </ul>
          )}
        </section>
        {detail.reviews.length > 0 && (
          <section>
            <h2>Earlier decisions</h2>
            <ul>
              {detail.reviews.map((v) => (
                <li key={v.id}>
                  {v.decision}
                  {v.defectType ? ` (${v.defectType})` : ''} by {v.reviewer}, {new Date(v.createdAt).toLocaleString()}
                  {v.reason ? `: ${v.reason}` : ''}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </div>
  );
}
