import type { ReviewDetail, StationClient } from '../../../common/api';
import { HeatmapView } from '../components/HeatmapView';
import { VerdictSourcesNote } from '../components/VerdictSourcesNote';
import { useT } from '../i18n/I18nProvider';

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
  const { t, num, dateTime } = useT();
  return (
    <div className="review-detail">
      <div className="review-images" data-testid="review-images" data-zoom={zoom}>
        <div className="review-pane">
          <div style={style}>
            <img src={imageUrl} alt={t('heatmap.partAlt')} style={{ width: '100%', display: 'block' }} />
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
          {t(`verdict.${r.verdict}`)}
        </span>
        <VerdictSourcesNote record={r} />
        <span>
          {t('review.score')} <b className="num">{num(r.score, 3)}</b> {t('review.band', { t1: num(r.band.t1, 2), t2: num(r.band.t2, 2) })}
        </span>
        <span>{t('common.recipeVersion', { recipe: r.recipe, version: r.recipeVersion })}</span>
        <span className="muted">{dateTime(r.createdAt)}</span>
      </div>
      <div className="review-text">
        {r.flags.length > 0 && (
          <section>
            <h2>{t('review.flags')}</h2>
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
          <h2>{t('review.dialog')}</h2>
          {r.dialog.length === 0 && <p className="muted">{t('review.noAnswer')}</p>}
          {r.dialog.map((turn) => (
            <p key={turn.id} className="review-turn" data-role={turn.role} data-testid="review-dialog-turn">
              <b>{turn.role === 'assistant' ? t('review.model') : t('review.operator')}:</b> {turn.text}
              {turn.instructionsLeftOut && <span className="muted"> {t('review.notApplied', { list: turn.instructionsLeftOut.join('; ') })}</span>}
            </p>
          ))}
        </section>
        <section>
          <h2>{t('review.instructionsThen')}</h2>
          {r.instructions.length === 0 ? (
            <p className="muted">{t('common.noneSentence')}</p>
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
            <h2>{t('review.earlier')}</h2>
            <ul>
              {detail.reviews.map((v) => (
                <li key={v.id}>
                  {v.defectType
                    ? t('review.earlierItemTyped', { decision: t(`decision.${v.decision}`), type: v.defectType, reviewer: v.reviewer, date: dateTime(v.createdAt) })
                    : t('review.earlierItem', { decision: t(`decision.${v.decision}`), reviewer: v.reviewer, date: dateTime(v.createdAt) })}
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
